import { midRanks } from '../../../../domain/analysis/mid-ranks';

describe('midRanks', () => {
  it.each<[string, number[], number[], number[]]>([
    ['distinct values keep their order', [30, 10, 20], [3, 1, 2], [1, 1, 1]],
    ['ties share the mean of their ranks', [5, 3, 5, 1, 5], [4, 2, 4, 1, 4], [1, 1, 3]],
    ['two tie groups', [2, 2, 7, 7], [1.5, 1.5, 3.5, 3.5], [2, 2]],
    ['nothing to rank', [], [], []],
  ])('%s', (_case, values, ranks, tieGroupSizes) => {
    expect(midRanks(values)).toEqual({ ranks, tieGroupSizes });
  });
});
