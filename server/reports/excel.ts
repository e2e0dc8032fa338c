import ExcelJS from 'exceljs';

export interface Sheet {
  name: string;
  columns: { header: string; key: string; width?: number; percent?: boolean }[];
  rows: Record<string, unknown>[];
  /** Lines printed above the table: the definitions of the figures in it. */
  notes?: string[];
}

/** Every report table exports the same way: one sheet per table, definitions on top, ratios as %. */
export async function toXlsx(sheets: Sheet[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Rexian 12345';
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name.slice(0, 31));
    for (const n of s.notes ?? []) ws.addRow([n]);
    if (s.notes?.length) ws.addRow([]);
    const header = ws.addRow(s.columns.map((c) => c.header));
    header.font = { bold: true };
    for (const r of s.rows) ws.addRow(s.columns.map((c) => r[c.key] ?? null));
    s.columns.forEach((c, i) => {
      const col = ws.getColumn(i + 1);
      col.width = c.width ?? 14;
      if (c.percent) col.numFmt = '0.00%';
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
