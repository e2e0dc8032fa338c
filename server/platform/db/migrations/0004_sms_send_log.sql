CREATE TABLE "sms_send_log" (
	"notification_id" text PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"provider" text,
	"result" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
