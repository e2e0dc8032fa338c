-- A ticket row is rewritten at every transition (version, updated_at, the SLA flags), and none of
-- those columns is indexed: with free room on its page the rewrite is a HOT update and skips the
-- table's six indexes. The SLA sweep rewrites one ticket per fired dispatch (issue 18). Applies to
-- pages written from now on; existing pages get the room when they are rewritten.
ALTER TABLE "tickets" SET (fillfactor = 80);
