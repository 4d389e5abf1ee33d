/**
 * Maintenance windows: when a site's devices may be updated. A window opens at each cron occurrence, evaluated in its
 * IANA time zone (so "0 22 * * *" stays 22:00 local across daylight-saving changes), and stays open `durationMs`.
 */
import { CronExpressionParser, type CronExpression } from 'cron-parser';
import type { MaintenanceWindow } from './rollout-spec';

export type WindowState = { open: true; closesAt: string | undefined } | { open: false; opensAt: string };

/**
 * Whether devices of `site` may be updated at `at`. No window for the site means always open; while open,
 * `closesAt` is when the open stretch ends (overlapping or back-to-back windows count as one stretch).
 */
export function windowStateAt(windows: readonly MaintenanceWindow[] | undefined, site: string | undefined, at: string): WindowState {
  const applicable = (windows ?? []).filter((w) => w.site === undefined || w.site === site);
  if (applicable.length === 0) return { open: true, closesAt: undefined };
  const atMs = toMs(at);

  const closesAt = openUntil(applicable, atMs);
  if (closesAt !== undefined) return { open: true, closesAt: new Date(closesAt).toISOString() };

  const opensAt = Math.min(...applicable.map((w) => nextStart(w, atMs)));
  return { open: false, opensAt: new Date(opensAt).toISOString() };
}

/** Why a window cannot be used, naming the field; undefined when it can. */
export function validateMaintenanceWindow(w: MaintenanceWindow): string | undefined {
  if (!isTimeZone(w.timeZone)) return `timeZone '${w.timeZone}' is not an IANA time zone such as Europe/Berlin`;
  if (!(w.durationMs > 0 && Number.isFinite(w.durationMs))) return 'durationMs must be greater than 0';
  const fields = w.cron.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) return `cron '${w.cron}' must have 5 fields (minute hour day month weekday) or 6 (with seconds first)`;
  try {
    // Ask for an occurrence too: a window that parses but never opens would hold a rollout forever.
    parse(w, 0).next();
  } catch (error) {
    return `cron '${w.cron}' is not a valid cron expression: ${error instanceof Error ? error.message : String(error)}`;
  }
  return undefined;
}

/** A stretch that never ends (a window every minute lasting an hour) is cut here; the caller looks again then. */
const maxStretchSteps = 100;

/** End of the open stretch around `atMs`, or undefined when every window is closed then. */
function openUntil(windows: readonly MaintenanceWindow[], atMs: number): number | undefined {
  let end: number | undefined;
  let probe = atMs;
  for (let step = 0; step < maxStretchSteps; step++) {
    const ends = windows.map((w) => occurrenceEndAround(w, probe)).filter((e): e is number => e !== undefined);
    if (ends.length === 0) break;
    // Each end is after the probe, so every step moves forward: whichever window is still open then may extend it.
    end = Math.max(...ends);
    probe = end;
  }
  return end;
}

/** End of the occurrence of `w` open at `ms` (start ≤ ms < end), if any. The latest start is the only candidate. */
function occurrenceEndAround(w: MaintenanceWindow, ms: number): number | undefined {
  // prev() excludes its starting instant; starting 1 ms later lets an occurrence starting exactly at `ms` count.
  const start = parse(w, ms + 1).prev().getTime();
  const end = start + w.durationMs;
  return start <= ms && ms < end ? end : undefined;
}

function nextStart(w: MaintenanceWindow, ms: number): number {
  return parse(w, ms).next().getTime();
}

function parse(w: MaintenanceWindow, currentMs: number): CronExpression {
  // hashSeed: an `H` field must resolve the same way on every replay, not randomly.
  return CronExpressionParser.parse(w.cron, { currentDate: new Date(currentMs), tz: w.timeZone, hashSeed: w.cron });
}

function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

function toMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`at '${iso}' is not an ISO 8601 date-time`);
  return ms;
}
