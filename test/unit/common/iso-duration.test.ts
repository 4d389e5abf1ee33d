import { parseIsoDuration } from '../../../common/iso-duration';

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

describe('parseIsoDuration: valid durations', () => {
  it.each<[string, number]>([
    ['PT1H30M', hour + 30 * minute],
    ['P2D', 2 * day],
    ['P1W', 7 * day],
    ['PT0.5S', 500],
    ['PT45S', 45 * second],
    ['PT90M', 90 * minute],
    ['PT36H', 36 * hour],
    ['P1DT2H3M4S', day + 2 * hour + 3 * minute + 4 * second],
    ['P1.5D', 36 * hour],
    ['PT0S', 0],
    ['P0D', 0],
  ])('%s → %d ms', (text, expected) => {
    expect(parseIsoDuration(text)).toBe(expected);
  });
});

describe('parseIsoDuration: invalid input names the input', () => {
  it.each<string>([
    '',
    'P',
    'PT',
    'P1DT',
    '1H',
    'PT1H30',
    'pt1h',
    'P-1D',
    'P1Y',
    'P1M', // months are not fixed-length
    'PT1.2.3S',
    ' PT1H',
    'PT1M1H', // wrong order
    '01:30:00',
  ])('%j', (text) => {
    expect(() => parseIsoDuration(text)).toThrow(RangeError);
    expect(() => parseIsoDuration(text)).toThrow(`'${text}' is not an ISO 8601 duration`);
  });
});
