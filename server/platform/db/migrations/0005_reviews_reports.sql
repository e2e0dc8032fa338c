CREATE TABLE "callbacks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ticket_id" uuid NOT NULL,
	"round" integer NOT NULL,
	"unit_id" uuid,
	"reason" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"channel" text,
	"result" text,
	"score" integer,
	"note" text,
	"decision" text,
	"decision_reason" text,
	"agent_id" uuid,
	"done_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "feedback_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ratings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ticket_id" uuid NOT NULL,
	"round" integer NOT NULL,
	"citizen_id" uuid,
	"unit_id" uuid,
	"handler_id" uuid,
	"score" integer NOT NULL,
	"bad" boolean NOT NULL,
	"real_name" boolean DEFAULT false NOT NULL,
	"source" text NOT NULL,
	"callback_id" uuid,
	"comment" text,
	"excluded" boolean DEFAULT false NOT NULL,
	"excluded_reason" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rectification_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"rectification_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"type" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"actor_id" uuid,
	"actor_role" text,
	"unit_id" uuid,
	"reason" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rectifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"rating_id" uuid NOT NULL,
	"ticket_id" uuid NOT NULL,
	"unit_id" uuid,
	"status" text DEFAULT 'verifying' NOT NULL,
	"status_before_contest" text,
	"due_at" timestamp with time zone,
	"overdue" boolean DEFAULT false NOT NULL,
	"verify_note" text,
	"report_text" text,
	"reported_at" timestamp with time zone,
	"contest_reason" text,
	"outcome" text,
	"outcome_note" text,
	"closed_at" timestamp with time zone,
	"version" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_articles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"category_code" text,
	"valid_from" date,
	"valid_to" date,
	"owner_unit_id" uuid,
	"active" boolean DEFAULT true NOT NULL,
	"search" "tsvector" NOT NULL,
	"usage_count" integer DEFAULT 0 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_measures" (
	"code" text PRIMARY KEY NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"kind" text NOT NULL,
	"numerator" jsonb NOT NULL,
	"denominator" jsonb,
	"definition" text NOT NULL,
	"lower_is_better" boolean DEFAULT false NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_rollups" (
	"dim" text NOT NULL,
	"day" date NOT NULL,
	"key" text NOT NULL,
	"received" integer DEFAULT 0 NOT NULL,
	"direct_answered" integer DEFAULT 0 NOT NULL,
	"dispatched" integer DEFAULT 0 NOT NULL,
	"signed" integer DEFAULT 0 NOT NULL,
	"signed_on_time" integer DEFAULT 0 NOT NULL,
	"replied" integer DEFAULT 0 NOT NULL,
	"closed" integer DEFAULT 0 NOT NULL,
	"closed_on_time" integer DEFAULT 0 NOT NULL,
	"handling_seconds" bigint DEFAULT 0 NOT NULL,
	"returns" integer DEFAULT 0 NOT NULL,
	"reopens" integer DEFAULT 0 NOT NULL,
	"extensions" integer DEFAULT 0 NOT NULL,
	"overdue" integer DEFAULT 0 NOT NULL,
	"callbacks_answered" integer DEFAULT 0 NOT NULL,
	"callbacks_solved" integer DEFAULT 0 NOT NULL,
	"callbacks_partly" integer DEFAULT 0 NOT NULL,
	"rated" integer DEFAULT 0 NOT NULL,
	"r1" integer DEFAULT 0 NOT NULL,
	"r2" integer DEFAULT 0 NOT NULL,
	"r3" integer DEFAULT 0 NOT NULL,
	"r4" integer DEFAULT 0 NOT NULL,
	"r5" integer DEFAULT 0 NOT NULL,
	"bad_reviews" integer DEFAULT 0 NOT NULL,
	"excluded_reviews" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "report_rollups_dim_day_key_pk" PRIMARY KEY("dim","day","key")
);
--> statement-breakpoint
ALTER TABLE "callbacks" ADD CONSTRAINT "callbacks_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ratings" ADD CONSTRAINT "ratings_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rectification_events" ADD CONSTRAINT "rectification_events_rectification_id_rectifications_id_fk" FOREIGN KEY ("rectification_id") REFERENCES "public"."rectifications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rectifications" ADD CONSTRAINT "rectifications_rating_id_ratings_id_fk" FOREIGN KEY ("rating_id") REFERENCES "public"."ratings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rectifications" ADD CONSTRAINT "rectifications_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_articles" ADD CONSTRAINT "knowledge_articles_owner_unit_id_handling_units_id_fk" FOREIGN KEY ("owner_unit_id") REFERENCES "public"."handling_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "callbacks_ticket_round_reason_uq" ON "callbacks" USING btree ("ticket_id","round","reason");--> statement-breakpoint
CREATE INDEX "callbacks_status_due_idx" ON "callbacks" USING btree ("status","due_at");--> statement-breakpoint
CREATE UNIQUE INDEX "ratings_ticket_round_uq" ON "ratings" USING btree ("ticket_id","round");--> statement-breakpoint
CREATE INDEX "ratings_unit_created_idx" ON "ratings" USING btree ("unit_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "rectification_events_seq_uq" ON "rectification_events" USING btree ("rectification_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "rectifications_rating_uq" ON "rectifications" USING btree ("rating_id");--> statement-breakpoint
CREATE INDEX "rectifications_unit_status_idx" ON "rectifications" USING btree ("unit_id","status");--> statement-breakpoint
CREATE INDEX "rectifications_due_idx" ON "rectifications" USING btree ("status","due_at");--> statement-breakpoint
CREATE INDEX "knowledge_articles_search_idx" ON "knowledge_articles" USING gin ("search");