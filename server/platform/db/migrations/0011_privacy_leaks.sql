-- Contact points proven by the channel (SMS code, WeChat signature/OAuth, the CTI's caller number)
-- carry verified_at; only those join an existing citizen or track tickets by phone. Existing rows:
-- a WeChat openid is always the platform's word; a phone is taken as proven when its citizen came in
-- by the phone desk (CTI) or the SMS-verified portal.
UPDATE "citizen_contacts" cc SET "verified_at" = cc."created_at"
  WHERE cc."verified_at" IS NULL AND (cc."kind" = 'wechat' OR (cc."kind" = 'phone' AND EXISTS (
    SELECT 1 FROM "tickets" t WHERE t."citizen_id" = cc."citizen_id" AND t."channel" IN ('phone', 'web'))));
--> statement-breakpoint
-- Categories whose Open311 requests any api_key may read as a public summary (the centre opts in).
CREATE TABLE "open311_public_categories" (
	"category_code" text PRIMARY KEY NOT NULL,
	"enabled_by" uuid,
	"enabled_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- Bodies written from now on are AES-256-GCM ciphertext; older rows stay readable as they are.
ALTER TABLE "channel_attachments" ADD COLUMN "body_encrypted" boolean DEFAULT false NOT NULL;
--> statement-breakpoint
ALTER TABLE "raw_payloads" ADD COLUMN "body_encrypted" boolean DEFAULT false NOT NULL;
--> statement-breakpoint
CREATE INDEX "raw_payloads_created_idx" ON "raw_payloads" USING btree ("created_at");
