-- The event catalogue (server/platform/events/catalogue.ts) gives every file list on a timeline
-- event one name, `files`. citizen.supplemented used to list its files as `attachments`, the name
-- ticket.registered uses for the count of files, so a reader of one could not read the other
-- (the WeChat media sweep failed on every text-only appeal). Rename the list on stored events.
UPDATE ticket_events
SET data = (data - 'attachments') || jsonb_build_object('files', data->'attachments')
WHERE type = 'citizen.supplemented' AND jsonb_typeof(data->'attachments') = 'array';
