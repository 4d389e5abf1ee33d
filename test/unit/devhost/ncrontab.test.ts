import { parseSchedule } from '../../../devhost/triggers/ncrontab';

/** The next `count` occurrences after `after`, as ISO strings. */
function occurrences(expression: string, after: string, count = 3, timeZone?: string): string[] {
  const schedule = parseSchedule(expression, timeZone);
  const result: string[] = [];
  let at = new Date(after);
  for (let i = 0; i < count; i++) {
    at = schedule.next(at);
    result.push(at.toISOString());
  }
  return result;
}

describe('parseSchedule: NCRONTAB', () => {
  it.each<[string, string, string[]]>([
    ['0 */5 * * * *', '2024-01-01T00:02:30Z', ['2024-01-01T00:05:00.000Z', '2024-01-01T00:10:00.000Z', '2024-01-01T00:15:00.000Z']],
    // strictly after: an `after` that is itself an occurrence is skipped
    ['0 */5 * * * *', '2024-01-01T00:05:00Z', ['2024-01-01T00:10:00.000Z', '2024-01-01T00:15:00.000Z', '2024-01-01T00:20:00.000Z']],
    ['* * * * * *', '2024-01-01T00:00:00.500Z', ['2024-01-01T00:00:01.000Z', '2024-01-01T00:00:02.000Z', '2024-01-01T00:00:03.000Z']],
    ['*/15 * * * * *', '2024-01-01T00:00:50Z', ['2024-01-01T00:01:00.000Z', '2024-01-01T00:01:15.000Z', '2024-01-01T00:01:30.000Z']],
    // 2024-01-06 is a Saturday
    ['0 30 9 * * Mon-Fri', '2024-01-06T00:00:00Z', ['2024-01-08T09:30:00.000Z', '2024-01-09T09:30:00.000Z', '2024-01-10T09:30:00.000Z']],
    ['0 30 9 * * 1-5', '2024-01-06T00:00:00Z', ['2024-01-08T09:30:00.000Z', '2024-01-09T09:30:00.000Z', '2024-01-10T09:30:00.000Z']],
    ['0 0 12 * * sat,SUN', '2024-01-01T00:00:00Z', ['2024-01-06T12:00:00.000Z', '2024-01-07T12:00:00.000Z', '2024-01-13T12:00:00.000Z']],
    // NCRONTAB accepts any prefix of the English name: "Mar" and "Ma" are March
    ['0 0 0 1 Mar *', '2024-01-01T00:00:00Z', ['2024-03-01T00:00:00.000Z', '2025-03-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z']],
    ['0 0 0 1 ma *', '2024-01-01T00:00:00Z', ['2024-03-01T00:00:00.000Z', '2025-03-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z']],
    ['0 0 0 1 January,July *', '2024-01-01T00:00:00Z', ['2024-07-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z', '2025-07-01T00:00:00.000Z']],
    // day AND day-of-week must both match (Friday the 13th), unlike Vixie cron's OR
    ['0 0 0 13 * Fri', '2024-01-01T00:00:00Z', ['2024-09-13T00:00:00.000Z', '2024-12-13T00:00:00.000Z', '2025-06-13T00:00:00.000Z']],
    ['0 0 0 */1 * Fri', '2024-01-01T00:00:00Z', ['2024-01-05T00:00:00.000Z', '2024-01-12T00:00:00.000Z', '2024-01-19T00:00:00.000Z']],
    ['0 0 0 29 2 Mon', '2024-01-01T00:00:00Z', ['2044-02-29T00:00:00.000Z', '2072-02-29T00:00:00.000Z', '2112-02-29T00:00:00.000Z']],
    ['0 0 0 13 * *', '2024-01-01T00:00:00Z', ['2024-01-13T00:00:00.000Z', '2024-02-13T00:00:00.000Z', '2024-03-13T00:00:00.000Z']],
    ['  0  0  6  *  *  *  ', '2024-01-01T07:00:00Z', ['2024-01-02T06:00:00.000Z', '2024-01-03T06:00:00.000Z', '2024-01-04T06:00:00.000Z']],
  ])('%s after %s', (expression, after, expected) => {
    expect(occurrences(expression, after)).toEqual(expected);
  });

  it('keeps the expression as given', () => {
    expect(parseSchedule('0 */5 * * * *').expression).toBe('0 */5 * * * *');
  });
});

describe('parseSchedule: time zones', () => {
  it.each<[string, string, string, string[]]>([
    ['0 0 9 * * *', 'UTC', '2024-07-01T00:00:00Z', ['2024-07-01T09:00:00.000Z', '2024-07-02T09:00:00.000Z']],
    ['0 0 9 * * *', 'Europe/Berlin', '2024-07-01T00:00:00Z', ['2024-07-01T07:00:00.000Z', '2024-07-02T07:00:00.000Z']],
    ['0 0 9 * * *', 'Europe/Berlin', '2024-01-01T00:00:00Z', ['2024-01-01T08:00:00.000Z', '2024-01-02T08:00:00.000Z']],
    // the weekday is the zone's: Monday 23:00 in New York is Tuesday 04:00 UTC
    ['0 0 23 * * Mon', 'America/New_York', '2024-01-01T00:00:00Z', ['2024-01-02T04:00:00.000Z', '2024-01-09T04:00:00.000Z']],
  ])('%s in %s after %s', (expression, timeZone, after, expected) => {
    expect(occurrences(expression, after, 2, timeZone)).toEqual(expected);
  });
});

describe('parseSchedule: TimeSpan', () => {
  it.each<[string, string, string]>([
    ['00:05:00', '2024-01-01T00:02:30.250Z', '2024-01-01T00:07:30.250Z'],
    ['01:00:00', '2024-01-01T00:00:00Z', '2024-01-01T01:00:00.000Z'],
    ['00:00:30', '2024-01-01T00:00:00Z', '2024-01-01T00:00:30.000Z'],
    ['1.02:03:04', '2024-01-01T00:00:00Z', '2024-01-02T02:03:04.000Z'],
    // like .NET TimeSpan.Parse, a first number of 24 or more means days:hours:minutes
    ['25:00:00', '2024-01-01T00:00:00Z', '2024-01-26T00:00:00.000Z'],
    ['24:01:30', '2024-01-01T00:00:00Z', '2024-01-25T01:30:00.000Z'],
  ])('%s after %s', (expression, after, expected) => {
    expect(parseSchedule(expression).next(new Date(after)).toISOString()).toBe(expected);
  });
});

describe('parseSchedule: invalid', () => {
  it.each<[string, string | undefined, RegExp]>([
    ['*/5 * * * *', undefined, /'\*\/5 \* \* \* \*'.*5 field\(s\).*no seconds field/],
    ['0 0 * * * * 2024', undefined, /7 field\(s\)/],
    ['', undefined, /1 field\(s\)/],
    ['every 5 minutes', undefined, /3 field\(s\)/],
    ['0 0 0 L * *', undefined, /unknown value 'L' in field 4/],
    ['0 0 0 ? * *', undefined, /unsupported characters in field 4/],
    ['0 0 0 * * 1#2', undefined, /unsupported characters in field 6/],
    ['H 0 0 * * *', undefined, /unknown value 'H' in field 1/],
    ['0 0 0 * Foo *', undefined, /unknown value 'Foo' in field 5/],
    ['60 0 0 * * *', undefined, /not valid NCRONTAB/],
    ['0 0 24 * * *', undefined, /not valid NCRONTAB/],
    ['0 0 0 31 4 *', undefined, /not valid NCRONTAB/],
    ['00:60:00', undefined, /not a valid TimeSpan/],
    ['1.24:00:00', undefined, /not a valid TimeSpan/],
    ['00:00:00', undefined, /zero TimeSpan/],
    ['0 0 9 * * *', 'Mars/Olympus_Mons', /Unknown time zone 'Mars\/Olympus_Mons'/],
  ])('%j (zone %s)', (expression, timeZone, message) => {
    expect(() => parseSchedule(expression, timeZone)).toThrow(message);
  });

  it('names what is expected', () => {
    expect(() => parseSchedule('*/5 * * * *')).toThrow(/expected 6-field NCRONTAB .*or a TimeSpan 'hh:mm:ss'/);
  });
});
