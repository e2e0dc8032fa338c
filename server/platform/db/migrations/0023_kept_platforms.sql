-- 保留对接: a department platform that stays (12315, 12366, 12369…) is a handling unit whose work
-- goes over the exchange protocol to that platform (channels.md §7, peer role 'lower').
ALTER TABLE "handling_units" ADD COLUMN "exchange_peer_id" text;--> statement-breakpoint
-- The dispatch an outgoing order carries: one order per dispatch, so a redelivered
-- ticket.dispatched job pushes once.
ALTER TABLE "exchange_orders" ADD COLUMN "dispatch_id" uuid;--> statement-breakpoint
CREATE UNIQUE INDEX "exchange_orders_dispatch_uq" ON "exchange_orders" USING btree ("dispatch_id") WHERE "dispatch_id" IS NOT NULL;
