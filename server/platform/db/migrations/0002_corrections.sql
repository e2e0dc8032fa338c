CREATE TABLE "classifier_corrections" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ticket_id" uuid NOT NULL,
	"model_version" text,
	"suggested" text NOT NULL,
	"confirmed" text NOT NULL,
	"category_code" text NOT NULL,
	"agent_id" uuid,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "classifier_corrections" ADD CONSTRAINT "classifier_corrections_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "classifier_corrections_at_idx" ON "classifier_corrections" USING btree ("at");