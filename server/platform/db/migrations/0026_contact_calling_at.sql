-- When a masked-number call was claimed (status `calling`): a request left `calling` past the bound
-- (the process placing the call died mid-call) is swept to `failed`, reason `interrupted`
-- (dispatch/use-cases/contact-citizen.ts failInterruptedCalls). Rows already `calling` from before
-- this column have no start: they count from when they were requested.
ALTER TABLE "citizen_contact_requests" ADD COLUMN "calling_at" timestamp with time zone;--> statement-breakpoint
UPDATE "citizen_contact_requests" SET "calling_at" = "requested_at" WHERE "status" = 'calling';--> statement-breakpoint
CREATE INDEX "citizen_contact_requests_calling_idx" ON "citizen_contact_requests" USING btree ("calling_at") WHERE "status" = 'calling';
