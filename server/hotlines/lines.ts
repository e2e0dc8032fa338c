/**
 * The centre's lines (热线号码表): 12345 itself and every department number the city folded into it.
 * One row per dialled number; the CTI's `callee` names it, so a call to 12319 pops with the line's
 * name and presets the registration, reports split by line, and a cancelled number is answered
 * by the CTI with this table's announcement.
 */
import { asc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Ctx } from '../platform/context';
import type { Db, Tx } from '../platform/db/client';
import { writeAudit } from '../platform/events/audit';
import { problem } from '../platform/http/problems';
import { readCsvTable, writeCsvTable } from '../platform/csv';
import { categories } from '../catalog/tables';
import { handlingUnits } from '../dispatch/tables';
import { hotlineLines, LINE_MODES, type LineMode } from './tables';

const MODE_NAMES: Record<LineMode, { zh: string; en: string }> = {
  main: { zh: '12345主号', en: '12345 main line' },
  merged: { zh: '撤并保号', en: 'Merged, number kept' },
  kept: { zh: '保留对接', en: 'Kept and connected' },
  linked: { zh: '联动对接', en: 'Emergency linkage' },
  cancelled: { zh: '直接取消', en: 'Cancelled' },
};
export const modeName = (m: LineMode, lang: 'zh' | 'en') => MODE_NAMES[m][lang];

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((s) => s || null)
    .nullish();

export const LineFields = z.strictObject({
  number: z
    .string()
    .trim()
    .regex(/^\d{3,20}$/, '3–20 digits'),
  name: z.string().trim().min(1).max(60),
  replacedDepartment: optionalText(100),
  mode: z.enum(LINE_MODES),
  defaultCategoryCode: optionalText(32),
  /** The unit by its code (what an administrator can type in a spreadsheet), not its id. */
  defaultUnitCode: optionalText(64),
  reportingTag: optionalText(40),
  announcement: optionalText(300),
  active: z.boolean().default(true),
});
// A cancelled number must tell the caller what to dial instead, or the CTI has nothing to play.
export const needsAnnouncement = <T extends z.ZodType<{ mode: LineMode; announcement?: string | null }>>(s: T) =>
  s.refine((l) => l.mode !== 'cancelled' || !!l.announcement, { path: ['announcement'], message: 'a cancelled number needs the announcement the CTI plays' });
export const LineInput = needsAnnouncement(LineFields);
export type LineInput = z.infer<typeof LineInput>;

/** Same shape as a validation problem (`errors: [{path, message}]`), so the console lists each bad row. */
function tableProblem(fields: Record<string, string>) {
  const errors = Object.entries(fields)
    .slice(0, 20)
    .map(([path, message]) => ({ path, code: 'invalid', message }));
  return problem('HOTLINE_LINE_INVALID', `${errors[0].path}: ${errors[0].message}`, { errors });
}

export interface LineView {
  number: string;
  name: string;
  replacedDepartment: string | null;
  mode: LineMode;
  modeName: string;
  defaultCategoryCode: string | null;
  defaultCategoryName: string | null;
  defaultUnitId: string | null;
  defaultUnitCode: string | null;
  defaultUnitName: string | null;
  reportingTag: string | null;
  announcement: string | null;
  active: boolean;
  modeSince: string;
}

export async function listLines(db: Db | Tx, lang: 'zh' | 'en', numbers?: string[]): Promise<LineView[]> {
  const rows = await db
    .select({
      line: hotlineLines,
      unitCode: handlingUnits.code,
      unitName: handlingUnits.name,
      categoryName: sql<string | null>`(select c.name from categories c where c.code = ${hotlineLines.defaultCategoryCode}
        order by c.version desc limit 1)`,
    })
    .from(hotlineLines)
    .leftJoin(handlingUnits, eq(handlingUnits.id, hotlineLines.defaultUnitId))
    .where(numbers ? inArray(hotlineLines.number, numbers) : undefined)
    .orderBy(asc(hotlineLines.number));
  return rows.map(({ line: l, unitCode, unitName, categoryName }) => ({
    number: l.number,
    name: l.name,
    replacedDepartment: l.replacedDepartment,
    mode: l.mode,
    modeName: modeName(l.mode, lang),
    defaultCategoryCode: l.defaultCategoryCode,
    defaultCategoryName: categoryName,
    defaultUnitId: l.defaultUnitId,
    defaultUnitCode: unitCode ?? null,
    defaultUnitName: unitName ?? null,
    reportingTag: l.reportingTag,
    announcement: l.announcement,
    active: l.active,
    modeSince: l.modeSince.toISOString(),
  }));
}

/** The line a call came in on, for the screen pop; null for a number the table does not know. */
export async function lineForCallee(db: Db, callee: string | undefined, lang: 'zh' | 'en' = 'zh'): Promise<LineView | null> {
  if (!callee) return null;
  const digits = callee.replace(/^\+?86/, '').replace(/\D/g, '');
  const [line] = await listLines(db, lang, [digits]);
  return line ?? null;
}

/** Creates or updates lines in one transaction; every row is checked before anything is written. */
export async function saveLines(ctx: Ctx, input: LineInput[]): Promise<{ created: number; updated: number }> {
  const lines = input.map((l) => LineInput.parse(l));
  const dup = lines.find((l, i) => lines.findIndex((m) => m.number === l.number) !== i);
  if (dup) throw tableProblem({ number: `duplicate ${dup.number}` });
  return ctx.db.transaction(async (tx) => {
    const unitCodes = [...new Set(lines.map((l) => l.defaultUnitCode).filter((c): c is string => !!c))];
    const units = unitCodes.length
      ? await tx.select({ id: handlingUnits.id, code: handlingUnits.code }).from(handlingUnits).where(inArray(handlingUnits.code, unitCodes))
      : [];
    const categoryCodes = [...new Set(lines.map((l) => l.defaultCategoryCode).filter((c): c is string => !!c))];
    const cats = categoryCodes.length ? await tx.selectDistinct({ code: categories.code }).from(categories).where(inArray(categories.code, categoryCodes)) : [];
    const fields: Record<string, string> = {};
    lines.forEach((l, i) => {
      if (l.defaultUnitCode && !units.some((u) => u.code === l.defaultUnitCode)) fields[`row ${i + 1}.defaultUnitCode`] = `unknown unit ${l.defaultUnitCode}`;
      if (l.defaultCategoryCode && !cats.some((c) => c.code === l.defaultCategoryCode))
        fields[`row ${i + 1}.defaultCategoryCode`] = `unknown category ${l.defaultCategoryCode}`;
    });
    if (Object.keys(fields).length) throw tableProblem(fields);

    const before = await tx
      .select()
      .from(hotlineLines)
      .where(
        inArray(
          hotlineLines.number,
          lines.map((l) => l.number),
        ),
      );
    const now = ctx.now();
    let created = 0;
    for (const l of lines) {
      const old = before.find((b) => b.number === l.number);
      const row = {
        number: l.number,
        name: l.name,
        replacedDepartment: l.replacedDepartment ?? null,
        mode: l.mode,
        defaultCategoryCode: l.defaultCategoryCode ?? null,
        defaultUnitId: units.find((u) => u.code === l.defaultUnitCode)?.id ?? null,
        reportingTag: l.reportingTag ?? null,
        announcement: l.announcement ?? null,
        active: l.active,
        // A change of mode (a merged line later cancelled) starts a new period; reports keep the old one by date.
        modeSince: !old || old.mode !== l.mode ? now : old.modeSince,
        updatedAt: now,
      };
      if (old) await tx.update(hotlineLines).set(row).where(eq(hotlineLines.number, l.number));
      else {
        await tx.insert(hotlineLines).values({ ...row, createdAt: now });
        created++;
      }
      await writeAudit(tx, ctx, {
        at: now,
        action: old ? 'hotline_line.updated' : 'hotline_line.created',
        entityType: 'hotline_line',
        entityId: l.number,
        data: { before: old ? { mode: old.mode, name: old.name, active: old.active } : null, after: { mode: row.mode, name: row.name, active: row.active } },
      });
    }
    return { created, updated: lines.length - created };
  });
}

// CSV columns: Chinese headers for the administrator's spreadsheet; the English keys are accepted too.
const COLUMNS: { key: keyof LineInput; zh: string }[] = [
  { key: 'number', zh: '号码' },
  { key: 'name', zh: '名称' },
  { key: 'replacedDepartment', zh: '原部门' },
  { key: 'mode', zh: '整合方式' },
  { key: 'defaultCategoryCode', zh: '默认分类编码' },
  { key: 'defaultUnitCode', zh: '默认承办单位编码' },
  { key: 'reportingTag', zh: '统计标签' },
  { key: 'announcement', zh: '停用提示语' },
  { key: 'active', zh: '启用' },
];
const MODE_BY_NAME = new Map<string, LineMode>(
  LINE_MODES.flatMap(
    (m) =>
      [
        [m, m],
        [MODE_NAMES[m].zh, m],
      ] as [string, LineMode][],
  ),
);

export function linesToCsv(lines: LineView[]): string {
  return writeCsvTable(
    COLUMNS.map((c) => c.zh),
    lines.map((l) => [
      l.number,
      l.name,
      l.replacedDepartment ?? '',
      MODE_NAMES[l.mode].zh,
      l.defaultCategoryCode ?? '',
      l.defaultUnitCode ?? '',
      l.reportingTag ?? '',
      l.announcement ?? '',
      l.active ? '是' : '否',
    ]),
  );
}

/** Parses an administrator's CSV into line inputs; a bad row is reported by its row number (1 = first data row). */
export function linesFromCsv(text: string): LineInput[] {
  return readCsvTable(text, {
    schema: LineInput,
    fail: tableProblem,
    toRaw: (rec) => {
      const raw: Record<string, unknown> = {};
      for (const c of COLUMNS) {
        const v = rec[c.zh] ?? rec[c.key];
        if (v === undefined || v === '') continue;
        raw[c.key] = c.key === 'mode' ? (MODE_BY_NAME.get(v) ?? v) : c.key === 'active' ? !['否', 'false', '0', 'no'].includes(v.toLowerCase()) : v;
      }
      return raw;
    },
  });
}
