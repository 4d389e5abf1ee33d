/**
 * A report as format-neutral data: a title, facts, notes and tables. JSON answers carry the report object itself;
 * CSV and HTML are rendered from this document, so every format shows the same rows.
 */
export type Cell = string | number | boolean | null;

export interface ReportColumn {
  /** The CSV header; the same name as the field in the JSON report, so the formats line up. */
  key: string;
  /** The HTML column heading. */
  label: string;
  /** Right-aligned in HTML. */
  numeric?: boolean;
}

export interface ReportTable {
  /** Stable id: `?format=csv&table=<name>` picks the table. */
  name: string;
  title: string;
  columns: ReportColumn[];
  rows: Record<string, Cell>[];
  /** Shown under the table, e.g. that a list was capped. */
  note?: string;
}

export interface ReportDocument {
  title: string;
  generatedAt: string;
  facts: { label: string; value: Cell }[];
  notes: string[];
  /** The first table is what CSV gives when no table is named. */
  tables: ReportTable[];
}
