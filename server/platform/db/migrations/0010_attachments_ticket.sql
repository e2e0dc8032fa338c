ALTER TABLE "channel_attachments" ADD COLUMN "ticket_id" uuid;--> statement-breakpoint
ALTER TABLE "channel_attachments" ADD COLUMN "uploaded_by" uuid;--> statement-breakpoint
CREATE INDEX "channel_attachments_ticket_idx" ON "channel_attachments" USING btree ("ticket_id");