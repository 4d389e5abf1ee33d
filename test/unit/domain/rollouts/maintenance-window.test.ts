import type { MaintenanceWindow } from '../../../../domain/rollouts/rollout-spec';
import { validateMaintenanceWindow, windowStateAt, type WindowState } from '../../../../domain/rollouts/maintenance-window';

const hours = (n: number) => n * 3_600_000;
/** 22:00 to 02:00 Berlin time, every night. */
const berlinNights: MaintenanceWindow = { site: 'plant-a', cron: '0 22 * * *', timeZone: 'Europe/Berlin', durationMs: hours(4) };
/** 01:00 to 04:00 New York time, Monday to Friday. */
const newYorkWeekdays: MaintenanceWindow = { site: 'plant-b', cron: '0 1 * * 1-5', timeZone: 'America/New_York', durationMs: hours(3) };
/** Friday 20:00 to Monday 08:00 UTC. */
const weekend: MaintenanceWindow = { cron: '0 20 * * fri', timeZone: 'UTC', durationMs: hours(60) };
const open = (closesAt: string | undefined): WindowState => ({ open: true, closesAt });
const closed = (opensAt: string): WindowState => ({ open: false, opensAt });

describe('windowStateAt', () => {
  it.each<[string, MaintenanceWindow[] | undefined, string | undefined, string, WindowState]>([
    ['no windows: always open', undefined, 'plant-a', '2025-06-10T12:00:00Z', open(undefined)],
    ['only another site has windows: always open', [newYorkWeekdays], 'plant-a', '2025-06-10T12:00:00Z', open(undefined)],
    ['a device without a site ignores site windows', [berlinNights], undefined, '2025-06-10T12:00:00Z', open(undefined)],
    ['Berlin afternoon in summer: opens 22:00 CEST', [berlinNights], 'plant-a', '2025-06-10T12:00:00Z', closed('2025-06-10T20:00:00.000Z')],
    ['Berlin afternoon in winter: opens 22:00 CET', [berlinNights], 'plant-a', '2025-01-10T12:00:00Z', closed('2025-01-10T21:00:00.000Z')],
    ['the day before the spring change: 22:00 CET', [berlinNights], 'plant-a', '2025-03-29T12:00:00Z', closed('2025-03-29T21:00:00.000Z')],
    ['the day of the spring change: 22:00 CEST', [berlinNights], 'plant-a', '2025-03-30T12:00:00Z', closed('2025-03-30T20:00:00.000Z')],
    ['the opening instant is open', [berlinNights], 'plant-a', '2025-06-10T20:00:00Z', open('2025-06-11T00:00:00.000Z')],
    ['open after midnight, from the previous evening', [berlinNights], 'plant-a', '2025-06-10T23:30:00Z', open('2025-06-11T00:00:00.000Z')],
    ['the closing instant is closed', [berlinNights], 'plant-a', '2025-06-11T00:00:00Z', closed('2025-06-11T20:00:00.000Z')],
    ['New York on Saturday: opens Monday 01:00 EDT', [newYorkWeekdays], 'plant-b', '2025-06-14T12:00:00Z', closed('2025-06-16T05:00:00.000Z')],
    ['a 60-hour weekend window is still open on Sunday', [weekend], 'plant-a', '2025-06-15T12:00:00Z', open('2025-06-16T08:00:00.000Z')],
    ['the earliest window of the site opens first', [berlinNights, weekend, newYorkWeekdays], 'plant-a', '2025-06-12T01:00:00Z', closed('2025-06-12T20:00:00.000Z')],
    ['a window for every site can open first', [berlinNights, { cron: '0 18 * * *', timeZone: 'UTC', durationMs: hours(1) }], 'plant-a', '2025-06-12T12:00:00Z', closed('2025-06-12T18:00:00.000Z')],
    ['any applicable open window lets devices through', [berlinNights, weekend], 'plant-a', '2025-06-14T12:00:00Z', open('2025-06-16T08:00:00.000Z')],
    ['back-to-back windows close at the end of the last one',
      [{ cron: '0 22 * * *', timeZone: 'UTC', durationMs: hours(2) }, { cron: '0 0 * * *', timeZone: 'UTC', durationMs: hours(2) }],
      'plant-a', '2025-06-10T23:00:00Z', open('2025-06-11T02:00:00.000Z')],
    ['6-field cron starts at the given second', [{ cron: '30 0 22 * * *', timeZone: 'UTC', durationMs: hours(1) }], undefined, '2025-06-10T21:00:00Z', closed('2025-06-10T22:00:30.000Z')],
  ])('%s', (_, windows, site, at, expected) => {
    expect(windowStateAt(windows, site, at)).toEqual(expected);
  });

  it('answers even for a window that never closes (a new one every minute lasting an hour)', () => {
    const state = windowStateAt([{ cron: '* * * * *', timeZone: 'UTC', durationMs: hours(1) }], undefined, '2025-06-10T12:00:00Z');
    expect(state.open).toBe(true);
    expect(state.open && state.closesAt !== undefined && state.closesAt > '2025-06-10T13:00:00.000Z').toBe(true);
  });
});

describe('validateMaintenanceWindow', () => {
  const valid: MaintenanceWindow = { cron: '0 22 * * *', timeZone: 'Europe/Berlin', durationMs: hours(4) };
  it.each<[string, Partial<MaintenanceWindow>, string | undefined]>([
    ['a nightly window', {}, undefined],
    ['a 6-field cron', { cron: '0 0 22 * * 1-5' }, undefined],
    ['an unknown time zone', { timeZone: 'Europe/Atlantis' }, "timeZone 'Europe/Atlantis' is not an IANA time zone such as Europe/Berlin"],
    ['a zero duration', { durationMs: 0 }, 'durationMs must be greater than 0'],
    ['a negative duration', { durationMs: -5 }, 'durationMs must be greater than 0'],
    ['too few cron fields', { cron: '0 22 *' }, "cron '0 22 *' must have 5 fields (minute hour day month weekday) or 6 (with seconds first)"],
    ['a cron nickname', { cron: '@daily' }, "cron '@daily' must have 5 fields (minute hour day month weekday) or 6 (with seconds first)"],
  ])('%s', (_, change, expected) => {
    expect(validateMaintenanceWindow({ ...valid, ...change })).toBe(expected);
  });

  it.each(['61 22 * * *', '0 25 * * *', '0 22 * * 8', '0 0 30 2 *', '0 22 * * xyz'])('refuses the cron %j naming the field', (cron) => {
    expect(validateMaintenanceWindow({ ...valid, cron })).toMatch(new RegExp(`^cron '${cron.replace(/\*/g, '\\*')}' is not a valid cron expression: .+`));
  });
});
