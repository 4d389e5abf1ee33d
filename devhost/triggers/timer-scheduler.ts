/** Runs timer-triggered functions on their NCRONTAB schedules, on the host's clock. */
import type { RegisteredFunction } from '../functions-core';
import { triggerBindingOf } from '../invoker';
import type { HostClock } from '../durable/clock';
import { parseSchedule, type Schedule } from './ncrontab';

export type TimerInvoke = (fn: RegisteredFunction, timerInfo: Record<string, unknown>) => Promise<void>;

/** `%NAME%` in a schedule refers to an app setting, as in the real host. */
function resolveSetting(expression: string): string {
  return expression.replace(/%([^%]+)%/g, (_, name: string) => {
    const value = process.env[name];
    if (value === undefined) throw new Error(`Timer schedule refers to app setting '${name}', which is not set.`);
    return value;
  });
}

export class TimerScheduler {
  #handles = new Map<string, NodeJS.Timeout>();
  #stopped = false;

  constructor(
    private readonly clock: HostClock,
    private readonly invoke: TimerInvoke,
    private readonly timeZone = process.env.WEBSITE_TIME_ZONE ?? 'UTC',
  ) {}

  start(functions: Iterable<RegisteredFunction>): void {
    for (const fn of functions) {
      const [, binding] = triggerBindingOf(fn);
      if (binding.type !== 'timerTrigger') continue;
      const schedule = parseSchedule(resolveSetting(String(binding.schedule)), this.timeZone);
      if (binding.runOnStartup === true) void this.#fire(fn, schedule, this.clock.now(), true);
      this.#arm(fn, schedule, this.clock.now());
    }
  }

  stop(): void {
    this.#stopped = true;
    for (const handle of this.#handles.values()) clearTimeout(handle);
  }

  #arm(fn: RegisteredFunction, schedule: Schedule, after: Date): void {
    if (this.#stopped) return;
    const next = schedule.next(after);
    const delay = Math.min(this.clock.realDelayUntil(next.getTime()), 2 ** 31 - 1);
    this.#handles.set(fn.metadata.name, setTimeout(() => {
      void this.#fire(fn, schedule, next, false).finally(() => this.#arm(fn, schedule, next));
    }, delay));
  }

  async #fire(fn: RegisteredFunction, schedule: Schedule, due: Date, onStartup: boolean): Promise<void> {
    const info = {
      Schedule: { AdjustForDST: true },
      ScheduleStatus: { Last: due.toISOString(), Next: schedule.next(due).toISOString(), LastUpdated: this.clock.now().toISOString() },
      IsPastDue: !onStartup && this.clock.nowMs() - due.getTime() > 60_000,
    };
    await this.invoke(fn, info);
  }
}
