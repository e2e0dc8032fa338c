/**
 * The category table as CSV (categories.md §1): the columns of the spec plus `replaces` (codes
 * of the previous version this node continues, `|`-separated) and `citizen_selectable`, so an
 * administrator loads the city's published standard and an export imports back unchanged.
 * List cells (aliases, replaces) are `|`-separated.
 */
import { z } from 'zod';
import { problem } from '../platform/http/problems';
import { readCsvTable, writeCsvTable } from '../platform/csv';
import { APPEAL_TYPES, URGENCIES } from '../tickets/tables';
import type { CategoryRow } from './use-cases/import-category-tree';

export const CATEGORY_CSV_COLUMNS = [
  'code',
  'name',
  'parent_code',
  'level',
  'aliases',
  'default_type',
  'default_urgency',
  'valid_from',
  'valid_to',
  'citizen_selectable',
  'replaces',
] as const;

const list = (s: string | undefined) =>
  s
    ? s
        .split('|')
        .map((x) => x.trim())
        .filter(Boolean)
    : [];
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const Row = z.strictObject({
  code: z.string().regex(/^[0-9A-Za-z]{1,32}$/, 'letters and digits, at most 32'),
  name: z.string().trim().min(1).max(100),
  parentCode: z.string().nullable(),
  level: z.number().int().min(1).max(8),
  aliases: z.array(z.string().max(50)).max(50),
  defaultType: z.enum(APPEAL_TYPES).nullable(),
  defaultUrgency: z.enum(URGENCIES).nullable(),
  validFrom: Day.nullable(),
  validTo: Day.nullable(),
  citizenSelectable: z.boolean().optional(),
  replaces: z.array(z.string()).max(50),
});

function tableProblem(fields: Record<string, string>) {
  const errors = Object.entries(fields).map(([path, message]) => ({ path, message }));
  return problem('CATEGORY_TABLE_INVALID', `${errors[0].path}: ${errors[0].message}`, { errors });
}

/** Rows of a category CSV, checked as a tree: unique codes, every parent in the file, level = parent's + 1. */
export function categoriesFromCsv(text: string): CategoryRow[] {
  return readCsvTable(text, {
    schema: Row,
    fail: tableProblem,
    toRaw: (rec) => ({
      code: rec.code ?? '',
      name: rec.name ?? '',
      parentCode: rec.parent_code || null,
      level: Number(rec.level),
      aliases: list(rec.aliases),
      defaultType: rec.default_type || null,
      defaultUrgency: rec.default_urgency || null,
      validFrom: rec.valid_from || null,
      validTo: rec.valid_to || null,
      ...(rec.citizen_selectable ? { citizenSelectable: !['false', '0', 'no', '否'].includes(rec.citizen_selectable.toLowerCase()) } : {}),
      replaces: list(rec.replaces),
    }),
    checkRows: (rows, fields) => {
      const byCode = new Map<string, CategoryRow>();
      rows.forEach((r, i) => {
        if (byCode.has(r.code)) fields[`row ${i + 1}.code`] = `duplicate ${r.code}`;
        byCode.set(r.code, r);
      });
      rows.forEach((r, i) => {
        const parent = r.parentCode ? byCode.get(r.parentCode) : null;
        if (r.parentCode && !parent) fields[`row ${i + 1}.parent_code`] = `no row with code ${r.parentCode}`;
        else if ((parent ? parent.level + 1 : 1) !== r.level) fields[`row ${i + 1}.level`] = `must be ${parent ? parent.level + 1 : 1}`;
      });
    },
  });
}

export function categoriesToCsv(rows: (CategoryRow & { citizenSelectable: boolean })[]): string {
  return writeCsvTable(
    CATEGORY_CSV_COLUMNS,
    rows.map((r) => [
      r.code,
      r.name,
      r.parentCode ?? '',
      r.level,
      (r.aliases ?? []).join('|'),
      r.defaultType ?? '',
      r.defaultUrgency ?? '',
      r.validFrom ?? '',
      r.validTo ?? '',
      r.citizenSelectable ? 'true' : 'false',
      (r.replaces ?? []).join('|'),
    ]),
  );
}
