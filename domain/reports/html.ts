/**
 * A report as one self-contained, printable HTML page: no scripts or external resources (so it prints and archives
 * as is), every value escaped (device ids and comments come from outside), and a print stylesheet that repeats
 * table headings on each page and keeps rows whole.
 */
import { cellText } from './csv';
import type { ReportDocument, ReportTable } from './report-document';

const style = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #111; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
.generated, .note { color: #555; font-size: .9em; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: .15rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #bbb; padding: .2rem .4rem; text-align: left; vertical-align: top; }
th { background: #eee; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { margin: 0; font-size: 9pt; }
  thead { display: table-header-group; }
  tr, dl.facts { break-inside: avoid; }
  h2 { break-after: avoid; }
  th { background: none; }
}
`;

export function toHtml(report: ReportDocument): string {
  const facts = report.facts.map((fact) => `<dt>${escapeHtml(fact.label)}</dt><dd>${escapeHtml(cellText(fact.value))}</dd>`).join('');
  const notes = report.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('');
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(report.title)}</title>`,
    `<style>${style}</style>`,
    '</head><body>',
    `<header><h1>${escapeHtml(report.title)}</h1><p class="generated">Generated ${escapeHtml(report.generatedAt)}</p></header>`,
    facts ? `<dl class="facts">${facts}</dl>` : '',
    notes ? `<ul class="notes">${notes}</ul>` : '',
    ...report.tables.map(tableHtml),
    '</body></html>',
    '',
  ].join('\n');
}

function tableHtml(table: ReportTable): string {
  const head = table.columns.map((column) => `<th scope="col">${escapeHtml(column.label)}</th>`).join('');
  const rows = table.rows.map((row) =>
    `<tr>${table.columns.map((column) => `<td${column.numeric ? ' class="num"' : ''}>${escapeHtml(cellText(row[column.key]))}</td>`).join('')}</tr>`);
  const body = rows.length ? rows.join('\n') : `<tr><td colspan="${table.columns.length}">None.</td></tr>`;
  const note = table.note ? `<p class="note">${escapeHtml(table.note)}</p>` : '';
  return `<section id="${escapeHtml(table.name)}"><h2>${escapeHtml(table.title)}</h2>\n<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>${note}</section>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
