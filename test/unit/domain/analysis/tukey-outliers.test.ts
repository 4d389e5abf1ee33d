import { splitOutliers } from '../../../../domain/analysis/tukey-outliers';

describe('splitOutliers (Tukey fences at 1.5 × IQR, type 7 quartiles)', () => {
  it.each<[string, number[], number[]]>([
    // 1…8 and 30: Q1 = 3, Q3 = 7, fences −3 and 13.
    ['one slow device', [1, 2, 3, 4, 5, 6, 7, 8, 30], [30]],
    ['one fast device', [-20, 1, 2, 3, 4, 5, 6, 7, 8], [-20]],
    // Q3 + 1.5·IQR = 7 + 6 = 13 exactly: on the fence is not beyond it.
    ['a value on the fence stays', [1, 2, 3, 4, 5, 6, 7, 8, 13], []],
    ['a shifted but tight cohort loses nothing', [1200, 1210, 1190, 1205, 1195, 1201], []],
    ['too few values for quartiles', [1, 2, 1000], []],
  ])('%s', (_case, values, removed) => {
    const split = splitOutliers(values);
    expect(split.removed).toEqual(removed);
    expect(split.kept).toHaveLength(values.length - removed.length);
  });

  it('keeps the input order of the kept values', () => {
    expect(splitOutliers([5, 1, 4, 2, 3, 100]).kept).toEqual([5, 1, 4, 2, 3]);
  });
});
