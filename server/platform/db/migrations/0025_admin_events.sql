-- Administrative changes as events (users, texts, knowledge, the classifier, units, dispatch rules,
-- time limits, holidays): one row per change, written with its audit and outbox rows in the same
-- transaction (platform/events/admin-change.ts), so a change to the centre's set-up is a fact the
-- platform can follow, not only a changed row.
CREATE TABLE "admin_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"type" text NOT NULL,
	"entity" text NOT NULL,
	"entity_id" text NOT NULL,
	"action" text NOT NULL,
	"actor_id" uuid,
	"actor_role" text,
	"request_id" text,
	"before" jsonb,
	"after" jsonb,
	"at" timestamp with time zone NOT NULL
);--> statement-breakpoint
CREATE INDEX "admin_events_entity_idx" ON "admin_events" USING btree ("entity","entity_id","at");
