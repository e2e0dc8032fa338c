CREATE TABLE "callback_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"callback_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"channel" text NOT NULL,
	"status" text DEFAULT 'requested' NOT NULL,
	"call_id" text,
	"detail" text,
	"requested_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
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
ALTER TABLE "callbacks" ADD COLUMN "next_dial_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "report_rollup_deltas" ADD COLUMN "calls_offered" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_rollup_deltas" ADD COLUMN "calls_answered" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_rollup_deltas" ADD COLUMN "call_wait_seconds" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_rollup_deltas" ADD COLUMN "call_talk_seconds" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_rollups" ADD COLUMN "calls_offered" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_rollups" ADD COLUMN "calls_answered" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_rollups" ADD COLUMN "call_wait_seconds" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_rollups" ADD COLUMN "call_talk_seconds" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "callback_attempts" ADD CONSTRAINT "callback_attempts_callback_id_callbacks_id_fk" FOREIGN KEY ("callback_id") REFERENCES "public"."callbacks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "callback_attempts_uq" ON "callback_attempts" USING btree ("callback_id","attempt");--> statement-breakpoint
CREATE INDEX "callbacks_next_dial_idx" ON "callbacks" USING btree ("next_dial_at") WHERE next_dial_at is not null;--> statement-breakpoint
CREATE INDEX "channel_events_call_idx" ON "channel_events" USING btree ((data->>'callId')) WHERE channel = 'phone';