/**
 * What commands print: `--output table` (people: aligned columns, `key: value` lines) or `--output json` (scripts:
 * the API's JSON, unchanged, on one document).
 */
export type OutputFormat = 'table' | 'json';
export const outputFormats: readonly OutputFormat[] = ['table', 'json'];

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | undefined | null;
}

const cell = (value: string | number | undefined | null): string => (value === undefined || value === null || value === '' ? '-' : String(value));

/** Rows as aligned columns under a header line; "(none)" for no rows. */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((row) => columns.map((column) => cell(column.value(row))));
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((line) => line[i]!.length)));
  const line = (values: readonly string[]) => values.map((value, i) => (i === values.length - 1 ? value : value.padEnd(widths[i]!))).join('  ');
  return [line(columns.map((c) => c.header.toUpperCase())), ...cells.map(line)].join('\n');
}

/** `key: value` lines, keys aligned. */
export function fields(entries: ReadonlyArray<readonly [string, string | number | undefined | null]>): string {
  const width = Math.max(...entries.map(([key]) => key.length));
  return entries.map(([key, value]) => `${`${key}:`.padEnd(width + 1)} ${cell(value)}`).join('\n');
}

export interface Printer {
  format: OutputFormat;
  /** `data` as JSON, or the text `asTable` renders from it. */
  print<T>(data: T, asTable: (data: T) => string): void;
  /** A line for people (json mode prints nothing: its stdout is for the document). */
  note(line: string): void;
}

export function printer(format: OutputFormat, write: (text: string) => void): Printer {
  return {
    format,
    print(data, asTable) {
      write(`${format === 'json' ? JSON.stringify(data, null, 2) : asTable(data)}\n`);
    },
    note(line) {
      if (format === 'table') write(`${line}\n`);
    },
  };
}
