-- A unit's reply carries structured fields beside its text (办理结果, 是否联系市民, contact time),
-- so the review and reports read them instead of parsing prose. Null for replies made before.
alter table dispatches add column reply_details jsonb;
