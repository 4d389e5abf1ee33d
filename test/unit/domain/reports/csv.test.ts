import { toCsv } from '../../../../domain/reports/csv';
import type { Cell, ReportTable } from '../../../../domain/reports/report-document';

const table = (cells: Cell[]): ReportTable => ({
  name: 't', title: 'T', columns: [{ key: 'a', label: 'A' }, { key: 'b', label: 'B' }],
  rows: [{ a: cells[0] ?? null, b: cells[1] ?? null }],
});

describe('toCsv (RFC 4180)', () => {
  it.each<[string, Cell[], string]>([
    ['plain fields stay bare', ['a-1', 2], 'a-1,2'],
    ['null is an empty field', [null, 'x'], ',x'],
    ['a comma is quoted', ['plant a, hall 2', 'x'], '"plant a, hall 2",x'],
    ['quotes are doubled inside quotes', ['say "hi"', 'x'], '"say ""hi""",x'],
    ['a line break is quoted, not split', ['line 1\nline 2', 'x'], '"line 1\nline 2",x'],
    ['a carriage return is quoted', ['a\rb', 'x'], '"a\rb",x'],
    ['booleans and numbers print as text', [true, 0.5], 'true,0.5'],
    ['leading spaces are kept as data', ['  padded', 'x'], '  padded,x'],
  ])('%s', (_, cells, row) => {
    expect(toCsv(table(cells))).toBe(`a,b\r\n${row}\r\n`);
  });

  it('gives just the header row for a table without rows', () => {
    expect(toCsv({ ...table([]), rows: [] })).toBe('a,b\r\n');
  });
});
