import { FirstById } from '../../../../domain/reports/first-by-id';

const shuffled = (n: number) => Array.from({ length: n }, (_, i) => `d-${(i * 7919) % n}`);

describe('FirstById', () => {
  it('keeps the first ids in natural order out of many seen in any order, and counts them all', () => {
    const first = new FirstById<string>(5, (id) => id);
    for (const id of shuffled(1000)) first.add(id);
    expect(first.list()).toEqual(['d-0', 'd-1', 'd-2', 'd-3', 'd-4']);
    expect(first.count).toBe(1000);
    expect(first.capped).toBe(true);
  });

  it('is not capped when everything fits, and lists it all', () => {
    const first = new FirstById<string>(5, (id) => id);
    for (const id of ['b-10', 'b-2', 'a-1']) first.add(id);
    expect(first.list()).toEqual(['a-1', 'b-2', 'b-10']);
    expect(first.capped).toBe(false);
  });

  it('a limit of 0 lists nothing but still counts', () => {
    const first = new FirstById<string>(0, (id) => id);
    first.add('a');
    expect([first.list(), first.count, first.capped]).toEqual([[], 1, true]);
  });

  it('refuses a negative limit', () => {
    expect(() => new FirstById<string>(-1, (id) => id)).toThrow(RangeError);
  });
});
