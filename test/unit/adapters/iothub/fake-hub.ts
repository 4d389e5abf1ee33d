/**
 * Just enough of the SDK's Registry and JobClient for unit tests of IotHubFleet: twins in memory, the few query
 * shapes the adapter sends (anything else is a 400 as the hub answers it), paging by continuation token, jobs that
 * complete at once. Errors are made by the SDK's own translation, so the adapter sees what it sees in production.
 */
import type { JobClient, Registry } from 'azure-iothub';
import { sdkError } from './sdk-errors';

type Twin = { deviceId: string; tags: Record<string, unknown>; properties: { desired: Record<string, unknown>; reported: Record<string, unknown> } };

export class FakeHub {
  readonly twins = new Map<string, Twin>();
  readonly queries: string[] = [];
  readonly updates: string[] = [];
  readonly jobs: { jobId: string; queryCondition: string; devices: number }[] = [];
  /** Devices a job fails (the job reports them as failed and leaves their twins alone). */
  readonly failInJobs = new Set<string>();
  /** Errors the next calls throw, in turn. */
  readonly faults: Error[] = [];

  add(deviceId: string, tags: Record<string, string> = {}, reportedOta?: Record<string, unknown>): void {
    this.twins.set(deviceId, { deviceId, tags, properties: { desired: {}, reported: reportedOta ? { ota: reportedOta } : {} } });
  }

  commandOf(deviceId: string): Record<string, unknown> | undefined {
    return (this.twins.get(deviceId)?.properties.desired.ota as { command?: Record<string, unknown> } | undefined)?.command;
  }

  get registry(): Registry {
    const fault = () => {
      const err = this.faults.shift();
      if (err) throw err;
    };
    return {
      createQuery: (sql: string, pageSize = 100) => ({
        next: async (token?: string) => {
          fault();
          this.queries.push(sql);
          const rows = this.select(sql);
          const start = Number(token ?? 0);
          const end = start + pageSize;
          return { result: rows.slice(start, end), message: { headers: end < rows.length ? { 'x-ms-continuation': String(end) } : {} } };
        },
      }),
      getTwin: async (deviceId: string) => {
        fault();
        const twin = this.twins.get(deviceId);
        if (!twin) throw sdkError(404, 'DeviceNotFound');
        return { responseBody: structuredClone(twin) };
      },
      updateTwin: async (deviceId: string, patch: { properties: { desired: Record<string, unknown> } }) => {
        fault();
        const twin = this.twins.get(deviceId);
        if (!twin) throw sdkError(404, 'DeviceNotFound');
        this.updates.push(deviceId);
        Object.assign(twin.properties.desired, structuredClone(patch.properties.desired));
        return { responseBody: structuredClone(twin) };
      },
    } as unknown as Registry;
  }

  get jobClient(): JobClient {
    const results = new Map<string, { succeededCount: number; failedCount: number }>();
    return {
      scheduleTwinUpdate: async (jobId: string, queryCondition: string, update: { properties: { desired: Record<string, unknown> } }) => {
        const ids = this.select(`SELECT deviceId FROM devices WHERE ${queryCondition}`).map((row) => row.deviceId as string);
        this.jobs.push({ jobId, queryCondition, devices: ids.length });
        let failedCount = 0;
        for (const id of ids) {
          if (this.failInJobs.has(id)) failedCount++;
          else Object.assign(this.twins.get(id)!.properties.desired, structuredClone(update.properties.desired));
        }
        results.set(jobId, { succeededCount: ids.length - failedCount, failedCount });
        return { jobStatus: { jobId, status: 'queued' } };
      },
      getJob: async (jobId: string) => ({ jobStatus: { jobId, status: 'completed', deviceJobStatistics: { deviceCount: 0, pendingCount: 0, runningCount: 0, ...results.get(jobId) } } }),
    } as unknown as JobClient;
  }

  private select(sql: string): Record<string, unknown>[] {
    const match = /^SELECT (.+) FROM devices WHERE (.+)$/.exec(sql);
    if (!match) throw sdkError(400, 'BadRequest', `Syntax error: ${sql}`);
    const [, columns, where] = match as unknown as [string, string, string];
    const conditions = where.split(' AND ').map((c) => this.condition(c));
    const twins = [...this.twins.values()].filter((twin) => conditions.every((holds) => holds(twin)));
    if (columns === '*') return twins.map((t) => structuredClone(t));
    return twins.map((t) => ({ deviceId: t.deviceId, ...(columns.includes('properties.reported.ota') && t.properties.reported.ota ? { ota: t.properties.reported.ota } : {}) }));
  }

  private condition(text: string): (twin: Twin) => boolean {
    const inList = /^deviceId IN \[(.*)\]$/.exec(text);
    if (inList) {
      const ids = new Set([...inList[1]!.matchAll(/'([^']*)'/g)].map((m) => m[1]));
      return (twin) => ids.has(twin.deviceId);
    }
    const commands = /^properties\.desired\.ota\.command\.id IN \[(.*)\]$/.exec(text);
    if (commands) {
      const ids = new Set([...commands[1]!.matchAll(/'([^']*)'/g)].map((m) => m[1]));
      return (twin) => ids.has((twin.properties.desired.ota as { command?: { id?: string } } | undefined)?.command?.id);
    }
    const command = /^properties\.desired\.ota\.command\.id = '([^']*)'$/.exec(text);
    if (command) return (twin) => (twin.properties.desired.ota as { command?: { id?: string } } | undefined)?.command?.id === command[1];
    const tag = /^tags\.(\w+) = '([^']*)'$/.exec(text);
    if (tag) return (twin) => twin.tags[tag[1]!] === tag[2];
    throw sdkError(400, 'BadRequest', `Invalid query condition '${text}'`);
  }
}
