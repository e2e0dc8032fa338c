-- 响应率 as domain.md §5 defines it: a lead dispatch counts once the unit signed for it and reached the
-- citizen (or asked to return it) within the limit; a dispatch withdrawn before the unit answered leaves
-- the denominator. `responded_at` is the unit's first answer (connected call or return request), so a
-- dispatch is counted once however often it is called or returned.
ALTER TABLE "dispatches" ADD COLUMN "responded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "report_rollups" ADD COLUMN "responded_on_time" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_rollups" ADD COLUMN "recalled" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_rollup_deltas" ADD COLUMN "responded_on_time" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_rollup_deltas" ADD COLUMN "recalled" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- The shipped response_rate (sign-for only) takes the spec's definition; a formula the centre edited stays.
UPDATE "report_measures" SET "numerator" = '{"responded_on_time": 1}'::jsonb, "denominator" = '{"dispatched": 1, "recalled": -1}'::jsonb,
  "definition" = '响应率 = 时限内签收并联系上诉求人（或在签收时限内申请退单）的派单数 ÷ (派出的派单数 − 单位响应前被撤回或改派的派单数)（主办单位，改派计为新单位的派单）',
  "updated_at" = now()
  WHERE "code" = 'response_rate' AND "numerator" = '{"signed_on_time": 1}'::jsonb AND "denominator" = '{"dispatched": 1}'::jsonb;--> statement-breakpoint
UPDATE "report_measures" SET "definition" = '按时签收率 = 时限内签收数 ÷ 签收数（只看签收，不看是否联系诉求人）', "updated_at" = now()
  WHERE "code" = 'on_time_sign_rate' AND "definition" = '按时签收率 = 时限内签收数 ÷ 签收数';--> statement-breakpoint
-- One measure per definition: the separate "signed and contacted" response rate is response_rate now.
DELETE FROM "report_measures" WHERE "code" = 'contact_response_rate';
