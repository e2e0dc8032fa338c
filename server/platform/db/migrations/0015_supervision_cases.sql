ALTER TABLE "dispatches" ADD COLUMN "first_response_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "dispatches" ADD COLUMN "first_responded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "dispatches" ADD COLUMN "first_response_overdue_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "dispatches" ADD COLUMN "supervision_response_due_at" timestamp with time zone;--> statement-breakpoint
CREATE TABLE "supervision_cases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ticket_id" uuid NOT NULL,
	"dispatch_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"source" text NOT NULL,
	"raised_by" uuid,
	"reason" text,
	"raised_at" timestamp with time zone NOT NULL,
	"response_due_at" timestamp with time zone,
	"responded_at" timestamp with time zone,
	"responded_by" uuid,
	"response_text" text,
	"closed_at" timestamp with time zone,
	"closed_by" uuid,
	"close_note" text,
	"status" text DEFAULT 'open' NOT NULL,
	CONSTRAINT "supervision_cases_kind_check" CHECK ("kind" in ('urge', 'supervision')),
	CONSTRAINT "supervision_cases_source_check" CHECK ("source" in ('system', 'supervisor')),
	CONSTRAINT "supervision_cases_status_check" CHECK ("status" in ('open', 'responded', 'closed'))
);
--> statement-breakpoint
ALTER TABLE "supervision_cases" ADD CONSTRAINT "supervision_cases_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_cases" ADD CONSTRAINT "supervision_cases_dispatch_id_dispatches_id_fk" FOREIGN KEY ("dispatch_id") REFERENCES "public"."dispatches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_cases" ADD CONSTRAINT "supervision_cases_unit_id_handling_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."handling_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "supervision_cases_ticket_idx" ON "supervision_cases" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "supervision_cases_unit_status_idx" ON "supervision_cases" USING btree ("unit_id","status");--> statement-breakpoint
CREATE INDEX "supervision_cases_raised_idx" ON "supervision_cases" USING btree ("raised_at");--> statement-breakpoint
CREATE UNIQUE INDEX "supervision_cases_system_uq" ON "supervision_cases" USING btree ("dispatch_id","kind") WHERE "supervision_cases"."source" = 'system';--> statement-breakpoint
-- The shipped Guangdong preset rows (ensureSlaDefaults) gain the limits issue 15 adds, unless the
-- administrator already set them: critical tickets' first feedback within 2 h, supervision of
-- hour-limit tickets in hours, and a shorter reply limit for reopened (重办) rounds.
UPDATE "sla_policies" SET "rules" = "rules" || '{"firstResponseLimit": {"unit": "hours", "value": 2}}'::jsonb
	WHERE "name" LIKE 'guangdong-2022 %' AND "urgency" = 'critical' AND NOT ("rules" ? 'firstResponseLimit');--> statement-breakpoint
UPDATE "sla_policies" SET "rules" = "rules" || jsonb_build_object('supervisionAfterHours', CASE "urgency" WHEN 'critical' THEN 2 ELSE 24 END)
	WHERE "name" LIKE 'guangdong-2022 %' AND "urgency" IN ('urgent', 'critical') AND NOT ("rules" ? 'supervisionAfterHours');--> statement-breakpoint
UPDATE "sla_policies" SET "rules" = "rules" || jsonb_build_object('reopenReplyLimit', jsonb_build_object('unit', 'working_days', 'value',
		least(5, ("rules"->'replyLimit'->>'value')::int)))
	WHERE "name" LIKE 'guangdong-2022 %' AND "urgency" = 'normal' AND "rules"->'replyLimit'->>'unit' = 'working_days'
		AND NOT ("rules" ? 'reopenReplyLimit');
