CREATE TABLE "call_stats" (
	"call_id" text PRIMARY KEY NOT NULL,
	"day" date,
	"offered" integer DEFAULT 0 NOT NULL,
	"answered" integer DEFAULT 0 NOT NULL,
	"wait_seconds" integer DEFAULT 0 NOT NULL,
	"talk_seconds" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "report_rollup_deltas" ADD COLUMN "calls_offered" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_rollup_deltas" ADD COLUMN "calls_answered" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_rollup_deltas" ADD COLUMN "call_wait_seconds" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_rollup_deltas" ADD COLUMN "call_talk_seconds" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_rollups" ADD COLUMN "calls_offered" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_rollups" ADD COLUMN "calls_answered" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_rollups" ADD COLUMN "call_wait_seconds" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_rollups" ADD COLUMN "call_talk_seconds" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "channel_events_call_idx" ON "channel_events" USING btree ((data->>'callId')) WHERE channel = 'phone';