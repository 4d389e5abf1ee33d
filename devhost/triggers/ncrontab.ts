/**
 * Timer trigger schedules as the Azure Functions host reads them: a 6-field NCRONTAB
 * expression `{second} {minute} {hour} {day} {month} {day-of-week}`, or a TimeSpan.
 * Occurrences are computed with cron-parser; NCRONTAB specifics are handled here.
 */
import { CronExpressionParser, type CronExpression } from 'cron-parser';

export interface Schedule {
  readonly expression: string;
  /** First occurrence strictly after `after`. */
  next(after: Date): Date;
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_FIELD = 4;
const DAY_OF_WEEK_FIELD = 5;
/** Bounds the day-of-week filter; any satisfiable day/weekday pair recurs well within this many candidate days. */
const MAX_SKIPPED_DAYS = 10_000;

export function parseSchedule(expression: string, timeZone = 'UTC'): Schedule {
  assertTimeZone(timeZone);
  const trimmed = expression.trim();
  const interval = parseTimeSpan(trimmed, expression);
  if (interval !== undefined) {
    return { expression, next: (after) => new Date(after.getTime() + interval) };
  }
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 6) {
    const hint = fields.length === 5 ? ' (classic 5-field crontab has no seconds field: prepend one)' : '';
    throw scheduleError(expression, `has ${fields.length} field(s)${hint}`);
  }
  const cron = toCronParserFields(fields, expression);
  let daysOfWeek: ReadonlySet<number>;
  try {
    // Parsed once up front so a bad expression fails when the function is indexed, not when it is due.
    const full = CronExpressionParser.parse(cron.join(' '), { tz: timeZone });
    daysOfWeek = new Set(full.fields.dayOfWeek.values.map((d) => Number(d) % 7));
  } catch (err) {
    throw scheduleError(expression, `is not valid NCRONTAB (${(err as Error).message})`);
  }
  // NCRONTAB requires day AND day-of-week to match, whereas cron-parser (like Vixie cron)
  // fires when either does; so days come from cron-parser and weekdays are filtered here.
  const dayless = [...cron.slice(0, DAY_OF_WEEK_FIELD), '*'].join(' ');
  const everyWeekday = daysOfWeek.size === 7;
  return {
    expression,
    next(after) {
      const iterator = CronExpressionParser.parse(dayless, { tz: timeZone, currentDate: after });
      return everyWeekday ? iterator.next().toDate() : nextOnWeekday(iterator, daysOfWeek, expression);
    },
  };
}

function nextOnWeekday(iterator: CronExpression, daysOfWeek: ReadonlySet<number>, expression: string): Date {
  for (let skipped = 0; skipped < MAX_SKIPPED_DAYS; skipped++) {
    const candidate = iterator.next();
    if (daysOfWeek.has(candidate.getDay())) return candidate.toDate();
    // The whole day is on the wrong weekday: resume after its last second (in the schedule's zone).
    candidate.setEndOfDay();
    iterator.reset(candidate);
  }
  throw scheduleError(expression, 'never occurs (its days of the month never fall on its days of the week)');
}

/**
 * TimeSpan form, read like .NET `TimeSpan.Parse`: `hh:mm:ss` while hh < 24, `[d.]hh:mm:ss`,
 * and, surprisingly, `dd:hh:mm` when the first number is 24 or more (`25:00:00` = 25 days).
 * Returns milliseconds, or undefined when the text is not shaped like a TimeSpan at all.
 */
function parseTimeSpan(text: string, expression: string): number | undefined {
  const match = /^(?:(\d+)\.)?(\d+):(\d+):(\d+)$/.exec(text);
  if (!match) return undefined;
  const [a, b, c] = [Number(match[2]), Number(match[3]), Number(match[4])];
  let [days, hours, minutes, seconds] = [Number(match[1] ?? 0), a, b, c];
  if (match[1] === undefined && a >= 24) [days, hours, minutes, seconds] = [a, b, c, 0];
  if (hours > 23 || minutes > 59 || seconds > 59) {
    throw scheduleError(expression, 'is not a valid TimeSpan (hours 0-23, minutes and seconds 0-59)');
  }
  const ms = (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000;
  if (ms === 0) throw scheduleError(expression, 'is a zero TimeSpan');
  return ms;
}

/** Replaces month and weekday names with numbers and rejects syntax NCRONTAB lacks (L, W, #, ?, H). */
function toCronParserFields(fields: string[], expression: string): string[] {
  return fields.map((field, index) => {
    const names = index === MONTH_FIELD ? MONTH_NAMES : index === DAY_OF_WEEK_FIELD ? DAY_NAMES : undefined;
    const numeric = field.replace(/[a-z]+/gi, (word) => {
      // NCRONTAB accepts any prefix of the English name ("M" is March, "Mon" Monday); first match wins.
      const at = names?.findIndex((name) => name.toLowerCase().startsWith(word.toLowerCase())) ?? -1;
      if (at < 0) throw scheduleError(expression, `has an unknown value '${word}' in field ${index + 1}`);
      return String(names === MONTH_NAMES ? at + 1 : at);
    });
    if (!/^[\d*,/-]+$/.test(numeric)) {
      throw scheduleError(expression, `has unsupported characters in field ${index + 1} ('${field}')`);
    }
    return numeric;
  });
}

function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new Error(`Unknown time zone '${timeZone}': expected an IANA name such as 'Europe/Berlin'`);
  }
}

function scheduleError(expression: string, problem: string): Error {
  return new Error(
    `Invalid timer schedule '${expression}': it ${problem}; expected 6-field NCRONTAB ` +
      `'{second} {minute} {hour} {day} {month} {day-of-week}' (e.g. '0 */5 * * * *') or a TimeSpan 'hh:mm:ss' (e.g. '00:05:00')`,
  );
}
