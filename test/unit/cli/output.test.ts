import { fields, printer, table } from '../../../cli/output';

describe('printed output', () => {
  it('a table aligns its columns under upper-case headers; a missing value shows as -', () => {
    const rows = [{ id: 'r-1', status: 'InProgress', note: undefined }, { id: 'rollout-22', status: 'Paused', note: 'x' }];
    expect(table(rows, [{ header: 'id', value: (r) => r.id }, { header: 'status', value: (r) => r.status }, { header: 'note', value: (r) => r.note }])).toBe(
      ['ID          STATUS      NOTE', 'r-1         InProgress  -', 'rollout-22  Paused      x'].join('\n'),
    );
    expect(table([], [{ header: 'id', value: () => '' }])).toBe('(none)');
  });

  it('key: value lines with aligned values', () => {
    expect(fields([['status', 'Completed'], ['created by', 'ops']])).toBe('status:     Completed\ncreated by: ops');
  });

  it('json mode prints the document and no notes; table mode both', () => {
    const written: string[] = [];
    const json = printer('json', (text) => written.push(text));
    json.print({ a: 1 }, () => 'table');
    json.note('for people');
    expect(JSON.parse(written.join(''))).toEqual({ a: 1 });
    written.length = 0;
    const people = printer('table', (text) => written.push(text));
    people.print({ a: 1 }, () => 'table');
    people.note('for people');
    expect(written.join('')).toBe('table\nfor people\n');
  });
});
