/** One report table as RFC 4180 CSV: a header row of column keys, CRLF line ends, fields quoted only when needed. */
import type { Cell, ReportTable } from './report-document';

export function toCsv(table: ReportTable): string {
  const header = table.columns.map((column) => quote(column.key));
  const rows = table.rows.map((row) => table.columns.map((column) => quote(cellText(row[column.key]))));
  return [header, ...rows].map((fields) => `${fields.join(',')}\r\n`).join('');
}

/** null (and a missing value) is an empty field, as spreadsheets expect. */
export function cellText(cell: Cell | undefined): string {
  return cell === null || cell === undefined ? '' : String(cell);
}

/** RFC 4180 §2.6–2.7: a field holding a quote, comma or line break is quoted and its quotes doubled. */
function quote(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
