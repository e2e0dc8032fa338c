-- The citizen's side of the handling loop (issue 15, items 12-15).
--
-- One callback task per ticket and round (回访): a sampled task and a bad-review task for the same
-- round were two calls to the same citizen about the same answer. Duplicates already stored are
-- folded into one task: the one that was done (else the earliest) stays, the ratings and attempts
-- of the others move to it, then the others go.
WITH ranked AS (
  SELECT id, ticket_id, round,
    first_value(id) OVER (PARTITION BY ticket_id, round ORDER BY (status = 'done') DESC, created_at, id) AS keep
  FROM callbacks
), losers AS (SELECT id, keep FROM ranked WHERE id <> keep)
UPDATE ratings r SET callback_id = l.keep FROM losers l WHERE r.callback_id = l.id;
--> statement-breakpoint
WITH ranked AS (
  SELECT id, first_value(id) OVER (PARTITION BY ticket_id, round ORDER BY (status = 'done') DESC, created_at, id) AS keep FROM callbacks
)
DELETE FROM callback_attempts a USING ranked r WHERE a.callback_id = r.id AND r.id <> r.keep;
--> statement-breakpoint
WITH ranked AS (
  SELECT id, first_value(id) OVER (PARTITION BY ticket_id, round ORDER BY (status = 'done') DESC, created_at, id) AS keep FROM callbacks
)
DELETE FROM callbacks c USING ranked r WHERE c.id = r.id AND r.id <> r.keep;
--> statement-breakpoint
DROP INDEX IF EXISTS "callbacks_ticket_round_reason_uq";
--> statement-breakpoint
CREATE UNIQUE INDEX "callbacks_ticket_round_uq" ON "callbacks" USING btree ("ticket_id","round");
--> statement-breakpoint
-- 差评整改 in rounds: a citizen still unsatisfied after the unit's fix starts a second round
-- (and after the last round the case goes to the supervisors), never a silent close.
ALTER TABLE "rectifications" ADD COLUMN "round" integer DEFAULT 1 NOT NULL;
