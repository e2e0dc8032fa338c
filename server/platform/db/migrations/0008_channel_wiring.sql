CREATE TABLE "channel_attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"channel" text NOT NULL,
	"channel_account" text NOT NULL,
	"sha256" text NOT NULL,
	"mime" text NOT NULL,
	"filename" text,
	"size" integer NOT NULL,
	"body" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "exchange_inbox" (
	"exchange_id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"type" text NOT NULL,
	"body_sha256" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "exchange_orders" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"peer_id" text NOT NULL,
	"direction" text NOT NULL,
	"ticket_id" uuid NOT NULL,
	"state" text NOT NULL,
	"out_seq" integer DEFAULT 0 NOT NULL,
	"in_seq" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "exchange_outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"peer_id" text NOT NULL,
	"envelope" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "sms_send_log" ADD COLUMN "delivery_status" text;--> statement-breakpoint
ALTER TABLE "sms_send_log" ADD COLUMN "delivery_code" text;--> statement-breakpoint
ALTER TABLE "sms_send_log" ADD COLUMN "delivered_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "exchange_orders_ticket_idx" ON "exchange_orders" USING btree ("ticket_id");--> statement-breakpoint
CREATE UNIQUE INDEX "exchange_outbox_order_seq_uq" ON "exchange_outbox" USING btree ("order_id","seq");--> statement-breakpoint
CREATE INDEX "exchange_outbox_due_idx" ON "exchange_outbox" USING btree ("status","next_attempt_at");