CREATE TABLE "channel_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"channel_account" text NOT NULL,
	"type" text NOT NULL,
	"external_id" text NOT NULL,
	"data" jsonb NOT NULL,
	"ticket_id" uuid,
	"at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "raw_payloads" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"channel" text NOT NULL,
	"channel_account" text NOT NULL,
	"content_type" text NOT NULL,
	"body" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "phone_extension" text;--> statement-breakpoint
CREATE UNIQUE INDEX "channel_events_key_uq" ON "channel_events" USING btree ("channel","channel_account","external_id");--> statement-breakpoint
CREATE INDEX "channel_events_type_at_idx" ON "channel_events" USING btree ("type","at");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_phone_extension_unique" UNIQUE("phone_extension");