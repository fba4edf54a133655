// Spreadsheet files from plain rows: XLSX (exceljs) with one sheet per table, and CSV (UTF-8 with a BOM so Excel reads Cyrillic right).
import ExcelJS from 'exceljs';
import { safeCell } from '../domain/training/export-rows.js';

export type Cell = string | number | null;

export interface Sheet {
  /** The sheet's tab name (Excel allows 31 characters, without : \ / ? * [ ]). */
  name: string;
  header: string[];
  rows: Cell[][];
}

const cellValue = (c: Cell): string | number | null => (typeof c === 'string' ? safeCell(c) : c);

function sheetName(name: string, used: Set<string>): string {
  const base = name.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31).trim() || 'Sheet';
  let out = base;
  for (let n = 2; used.has(out.toLowerCase()); n++) out = `${base.slice(0, 28)} ${n}`;
  used.add(out.toLowerCase());
  return out;
}

/** An XLSX workbook: a bold, frozen header row and columns sized to their text. */
export async function xlsxOf(sheets: readonly Sheet[]): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook();
  book.created = new Date(0);
  const used = new Set<string>();
  for (const s of sheets) {
    const ws = book.addWorksheet(sheetName(s.name, used), { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.addRow(s.header).font = { bold: true };
    for (const row of s.rows) ws.addRow(row.map(cellValue));
    ws.columns.forEach((col, i) => {
      const longest = Math.max(s.header[i]?.length ?? 0, ...s.rows.slice(0, 500).map((r) => String(r[i] ?? '').length));
      col.width = Math.min(60, Math.max(8, longest + 2));
    });
  }
  return new Uint8Array(await book.xlsx.writeBuffer());
}

function csvField(c: Cell): string {
  const text = c === null ? '' : String(cellValue(c));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV (comma, CRLF, quotes doubled) in UTF-8 with a BOM. */
export function csvOf(sheet: Sheet): Uint8Array {
  const lines = [sheet.header, ...sheet.rows].map((r) => r.map(csvField).join(','));
  return new TextEncoder().encode(`\uFEFF${lines.join('\r\n')}\r\n`);
}
