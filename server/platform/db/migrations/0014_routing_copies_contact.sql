-- 抄送 (copy): a unit told about a ticket, with a read receipt. Not a dispatch: no clock, no
-- reminder, no overdue, no KPI. One copy per ticket and unit (copying again is a no-op).
CREATE TABLE "dispatch_copies" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "ticket_id" uuid NOT NULL REFERENCES "public"."tickets"("id"),
  "unit_id" uuid NOT NULL REFERENCES "public"."handling_units"("id"),
  "round" integer NOT NULL,
  "note" text,
  "copied_by" uuid,
  "copied_at" timestamp with time zone NOT NULL,
  "read_at" timestamp with time zone,
  "read_by" uuid
);
--> statement-breakpoint
CREATE UNIQUE INDEX "dispatch_copies_ticket_unit_uq" ON "dispatch_copies" ("ticket_id", "unit_id");
--> statement-breakpoint
CREATE INDEX "dispatch_copies_unit_idx" ON "dispatch_copies" ("unit_id", "copied_at");
--> statement-breakpoint
-- 先联系后办理: a unit asks the centre's CTI (or a masked-number bridge) to connect it with the
-- citizen; the unit never sees the number. The request and its outcome are recorded.
CREATE TABLE "citizen_contact_requests" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "ticket_id" uuid NOT NULL REFERENCES "public"."tickets"("id"),
  "dispatch_id" uuid NOT NULL REFERENCES "public"."dispatches"("id"),
  "unit_id" uuid NOT NULL REFERENCES "public"."handling_units"("id"),
  "requested_by" uuid,
  "callback_number" text NOT NULL,
  "status" text DEFAULT 'requested' NOT NULL,
  "outcome_note" text,
  "requested_at" timestamp with time zone NOT NULL,
  "outcome_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "citizen_contact_requests_ticket_idx" ON "citizen_contact_requests" ("ticket_id");
--> statement-breakpoint
CREATE INDEX "citizen_contact_requests_open_idx" ON "citizen_contact_requests" ("requested_at") WHERE "status" = 'requested';
--> statement-breakpoint
-- When the unit first reached the citizen (a connected contact request): the response rate's "citizen contacted".
ALTER TABLE "dispatches" ADD COLUMN "citizen_contacted_at" timestamp with time zone;
--> statement-breakpoint
-- Report counters for 先联系后办理 (reports/tables.ts COUNTERS).
ALTER TABLE "report_rollups" ADD COLUMN "contacted" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "report_rollups" ADD COLUMN "contacted_on_time" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "report_rollup_deltas" ADD COLUMN "contacted" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "report_rollup_deltas" ADD COLUMN "contacted_on_time" integer DEFAULT 0 NOT NULL;
