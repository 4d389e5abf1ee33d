import { escapeHtml, toHtml } from '../../../../domain/reports/html';
import type { ReportDocument } from '../../../../domain/reports/report-document';

const report: ReportDocument = {
  title: 'Report <1>',
  generatedAt: '2025-06-01T00:00:00.000Z',
  facts: [{ label: 'Devices', value: 3 }],
  notes: ['a note & more'],
  tables: [
    { name: 'devices', title: 'Devices', columns: [{ key: 'id', label: 'Device' }, { key: 'n', label: 'N', numeric: true }],
      rows: [{ id: '<script>alert(1)</script>', n: 1 }, { id: "o'hare", n: null }] },
    { name: 'empty', title: 'Nothing', columns: [{ key: 'id', label: 'Device' }], rows: [], note: 'capped' },
  ],
};

describe('escapeHtml', () => {
  it.each([
    ['<b>', '&#60;b&#62;'],
    ['a & b', 'a &#38; b'],
    [`"x" 'y'`, '&#34;x&#34; &#39;y&#39;'],
    ['plain', 'plain'],
  ])('%s', (text, escaped) => expect(escapeHtml(text)).toBe(escaped));
});

describe('toHtml', () => {
  const html = toHtml(report);

  it('is a complete page with a print stylesheet that repeats table headings', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('@media print');
    expect(html).toContain('thead { display: table-header-group; }');
    expect(html).toContain('</html>');
  });

  it('escapes every value taken from data', () => {
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('<title>Report &#60;1&#62;</title>');
    expect(html).toContain('o&#39;hare');
    expect(html).toContain('a note &#38; more');
  });

  it('renders facts, right-aligned numbers, empty tables and notes', () => {
    expect(html).toContain('<dt>Devices</dt><dd>3</dd>');
    expect(html).toContain('<td class="num">1</td>');
    expect(html).toContain('<td colspan="1">None.</td>');
    expect(html).toContain('<p class="note">capped</p>');
  });
});
