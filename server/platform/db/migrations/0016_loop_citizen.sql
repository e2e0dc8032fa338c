-- The citizen's side of the handling loop (issue 15, items 12-15).
--
-- One callback task per ticket and round (回访): a sampled task and a bad-review task for the same
-- round were two calls to the same citizen about the same answer. Duplicates already stored are
-- folded into one task: the one that was done (else the earliest) stays, the ratings and attempts
-- of the others move to it, then the others go.
WITH ranked AS (
  SELECT id, ticket_id, round,
    first_value(id) OVER (PARTITION BY ticket_id, round ORDER BY (status = 'done') DESC, created_at, id) AS keep
  FROM callbacks
), losers AS (SELECT id, keep FROM ranked WHERE id <> keep)
UPDATE ratings r SET callback_id = l.keep FROM losers l WHERE r.callback_id = l.id;
--> statement-breakpoint
WITH ranked AS (
  SELECT id, first_value(id) OVER (PARTITION BY ticket_id, round ORDER BY (status = 'done') DESC, created_at, id) AS keep FROM callbacks
)
DELETE FROM callback_attempts a USING ranked r WHERE a.callback_id = r.id AND r.id <> r.keep;
--> statement-breakpoint
WITH ranked AS (
  SELECT id, first_value(id) OVER (PARTITION BY ticket_id, round ORDER BY (status = 'done') DESC, created_at, id) AS keep FROM callbacks
)
DELETE FROM callbacks c USING ranked r WHERE c.id = r.id AND r.id <> r.keep;
--> statement-breakpoint
DROP INDEX IF EXISTS "callbacks_ticket_round_reason_uq";
--> statement-breakpoint
CREATE UNIQUE INDEX "callbacks_ticket_round_uq" ON "callbacks" USING btree ("ticket_id","round");
--> statement-breakpoint
-- 差评整改 in rounds: a citizen still unsatisfied after the unit's fix starts a second round
-- (and after the last round the case goes to the supervisors), never a silent close.
ALTER TABLE "rectifications" ADD COLUMN "round" integer DEFAULT 1 NOT NULL;
--> statement-breakpoint
-- Category versions (categories.md §1): codes stay stable across imports, and each import records
-- old code → new code, so a renamed, merged or split node still adds up in reports over the years.
CREATE TABLE "category_code_map" (
	"from_version" integer NOT NULL,
	"from_code" text NOT NULL,
	"to_version" integer NOT NULL,
	"to_code" text NOT NULL,
	CONSTRAINT "category_code_map_pk" PRIMARY KEY ("from_version","from_code","to_version","to_code")
);
--> statement-breakpoint
CREATE INDEX "category_code_map_to_idx" ON "category_code_map" USING btree ("to_version","to_code");
--> statement-breakpoint
-- Tags (标签, categories.md §2): a managed list beside the category tree, many per ticket.
CREATE TABLE "tags" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_tags" (
	"ticket_id" uuid NOT NULL REFERENCES "public"."tickets"("id"),
	"tag_code" text NOT NULL REFERENCES "public"."tags"("code"),
	"added_by" uuid,
	"added_at" timestamp with time zone NOT NULL,
	CONSTRAINT "ticket_tags_pk" PRIMARY KEY ("ticket_id","tag_code")
);
--> statement-breakpoint
CREATE INDEX "ticket_tags_tag_idx" ON "ticket_tags" USING btree ("tag_code");
--> statement-breakpoint
INSERT INTO "tags" ("code", "name", "kind") VALUES
	('hot_area', '热点区域', 'place_time'), ('night_time', '夜间', 'place_time'),
	('elderly', '老年人', 'who'), ('minors', '未成年人', 'who'), ('disability', '残疾人', 'who'),
	('new_residents', '新市民', 'who'), ('enterprise', '企业', 'who'),
	('safety_hazard', '安全隐患', 'nature'), ('service_quality', '服务质量', 'nature'),
	('policy_question', '政策咨询', 'nature'), ('wage_arrears', '欠薪', 'nature'),
	('repeat_appeal', '重复诉求', 'governance'), ('linked_incident', '关联事件', 'governance'), ('long_running', '久拖未决', 'governance')
ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- Dispatch rules name the category tree version they apply to; a new version carries them forward
-- through the code map (catalog/use-cases/import-category-tree.ts). Null: a rule for any version.
ALTER TABLE "dispatch_rules" ADD COLUMN "category_version" integer;
--> statement-breakpoint
UPDATE "dispatch_rules" SET "category_version" = (SELECT max("version") FROM "category_tree_versions");
--> statement-breakpoint
DROP INDEX IF EXISTS "dispatch_rules_cat_region_uq";
--> statement-breakpoint
CREATE UNIQUE INDEX "dispatch_rules_version_cat_region_uq" ON "dispatch_rules" USING btree ("category_version","category_code","region_code") NULLS NOT DISTINCT;
