/**
 * Tables administrators keep in a spreadsheet (the category tree, the hotline lines): CSV in and
 * out, the same way for each, so an export opens in Excel and imports back unchanged.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { z } from 'zod';

/** What is wrong with an uploaded table: `row N.field` (1 = the first data row) or `csv` for the file itself → message. */
export type TableErrors = Record<string, string>;

/**
 * An uploaded CSV as checked rows: a leading BOM dropped, cells trimmed, blank lines skipped, the
 * first line naming the columns. Each record goes through `toRaw` (column names and cell formats to
 * the schema's) and `schema`; `checkRows` adds what needs the whole table (unique codes, parents).
 * Every bad row is reported at once, by its row number, through the caller's problem (`fail`); an
 * empty table is refused too.
 */
export function readCsvTable<S extends z.ZodType>(
  text: string,
  o: {
    schema: S;
    toRaw: (rec: Record<string, string>) => unknown;
    fail: (errors: TableErrors) => Error;
    checkRows?: (rows: z.infer<S>[], errors: TableErrors) => void;
  },
): z.infer<S>[] {
  let records: Record<string, string>[];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), { columns: true, skip_empty_lines: true, trim: true });
  } catch (e) {
    throw o.fail({ csv: (e as Error).message });
  }
  const errors: TableErrors = {};
  const rows: z.infer<S>[] = [];
  records.forEach((rec, i) => {
    const r = o.schema.safeParse(o.toRaw(rec));
    if (r.success) rows.push(r.data);
    else for (const issue of r.error.issues) errors[`row ${i + 1}.${issue.path.join('.')}`] = issue.message;
  });
  o.checkRows?.(rows, errors);
  if (Object.keys(errors).length) throw o.fail(errors);
  if (!rows.length) throw o.fail({ csv: 'no rows' });
  return rows;
}

/** A table for download. The BOM makes Excel read the file as UTF-8 (it assumes GBK otherwise and garbles the Chinese). */
export function writeCsvTable(columns: readonly string[], rows: unknown[][]): string {
  return '\uFEFF' + stringify(rows, { header: true, columns: [...columns] });
}
