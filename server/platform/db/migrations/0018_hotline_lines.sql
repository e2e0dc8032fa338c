CREATE TABLE "hotline_lines" (
	"number" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"replaced_department" text,
	"mode" text NOT NULL,
	"default_category_code" text,
	"default_unit_id" uuid,
	"reporting_tag" text,
	"announcement" text,
	"active" boolean DEFAULT true NOT NULL,
	"mode_since" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "hotline_lines_mode_check" CHECK ("mode" in ('main', 'merged', 'kept', 'linked', 'cancelled'))
);
--> statement-breakpoint
ALTER TABLE "hotline_lines" ADD CONSTRAINT "hotline_lines_default_unit_id_handling_units_id_fk" FOREIGN KEY ("default_unit_id") REFERENCES "public"."handling_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE TABLE "emergency_linkages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ticket_id" uuid NOT NULL,
	"line" text NOT NULL,
	"target_centre" text NOT NULL,
	"intake_at" timestamp with time zone NOT NULL,
	"transferred_at" timestamp with time zone NOT NULL,
	"transferred_by" uuid,
	"status" text DEFAULT 'transferred' NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" text,
	"acknowledgement_note" text,
	"follow_up_due_at" timestamp with time zone NOT NULL,
	"followed_up_at" timestamp with time zone,
	"follow_up_outcome" text,
	"follow_up_note" text,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "emergency_linkages_ticket_id_unique" UNIQUE("ticket_id"),
	CONSTRAINT "emergency_linkages_line_check" CHECK ("line" in ('110', '119', '120', '122')),
	CONSTRAINT "emergency_linkages_status_check" CHECK ("status" in ('transferred', 'acknowledged', 'followed_up'))
);
--> statement-breakpoint
ALTER TABLE "emergency_linkages" ADD CONSTRAINT "emergency_linkages_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "emergency_linkages_open_idx" ON "emergency_linkages" USING btree ("status","transferred_at");--> statement-breakpoint
CREATE INDEX "emergency_linkages_transferred_idx" ON "emergency_linkages" USING btree ("transferred_at");--> statement-breakpoint
ALTER TABLE "call_stats" ADD COLUMN "line_number" text;--> statement-breakpoint
CREATE INDEX "call_stats_line_day_idx" ON "call_stats" USING btree ("line_number","day");
