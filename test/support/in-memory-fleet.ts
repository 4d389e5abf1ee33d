/**
 * A FleetPort test double for unit tests of activities: devices in a map, a command finishes `installMs` after it
 * was sent (on the caller's `at` clock), devices of `unhealthyModels` report themselves unhealthy after installing.
 * Integration and end-to-end tests use the real IoT Hub adapter against the local IoT Hub instead.
 */
import type { DeviceDetails, DeviceReport, DeviceSummary } from '../../domain/fleet/device';
import type { DesiredVersion, DeviceFilter, DeviceTarget, FleetPort } from '../../domain/fleet/fleet-port';

interface FakeDevice {
  summary: DeviceSummary;
  /** The command being installed, if any. */
  command?: { desired: DesiredVersion; atMs: number };
  /** The last final report. */
  last?: { state: 'succeeded'; healthy: boolean; at: string; commandId: string };
  commands: string[];
}

export class InMemoryFleet implements FleetPort {
  private readonly devices = new Map<string, FakeDevice>();

  constructor(
    groups: { count: number; idPrefix: string; tags: Record<string, string>; installedVersion: string }[],
    private readonly options: { installMs?: number; unhealthyModels?: string[] } = {},
  ) {
    for (const group of groups) {
      for (let i = 0; i < group.count; i++) {
        const deviceId = `${group.idPrefix}${i}`;
        this.devices.set(deviceId, { summary: { deviceId, tags: group.tags, installedVersion: group.installedVersion, software: {} }, commands: [] });
      }
    }
  }

  async queryDevices(target: DeviceTarget): Promise<DeviceSummary[]> {
    const all = [...this.devices.values()].map((d) => d.summary);
    return 'deviceIds' in target ? all.filter((d) => target.deviceIds.includes(d.deviceId)) : all;
  }

  async applyDesired(commands: { deviceId: string; desired: DesiredVersion }[], at: string): Promise<{ sent: number; alreadyApplied: number }> {
    let sent = 0;
    let alreadyApplied = 0;
    for (const { deviceId, desired } of commands) {
      const device = this.devices.get(deviceId);
      if (!device) continue;
      if (device.commands.includes(desired.commandId)) {
        alreadyApplied++;
        continue;
      }
      this.finish(device, Date.parse(at));
      device.commands.push(desired.commandId);
      device.command = { desired, atMs: Date.parse(at) };
      sent++;
    }
    return { sent, alreadyApplied };
  }

  async readReports(deviceIds: readonly string[], at: string): Promise<DeviceReport[]> {
    return deviceIds.flatMap((id): DeviceReport[] => {
      const device = this.devices.get(id);
      if (!device) return [];
      this.finish(device, Date.parse(at));
      const { command, last, summary } = device;
      if (command) return [{ deviceId: id, installedVersion: summary.installedVersion, state: 'installing' as const, healthy: true, lastReportAt: new Date(command.atMs).toISOString(), commandId: command.desired.commandId }];
      if (last) return [{ deviceId: id, installedVersion: summary.installedVersion, state: last.state, healthy: last.healthy, lastReportAt: last.at, commandId: last.commandId }];
      return [{ deviceId: id, installedVersion: summary.installedVersion, state: 'idle' as const, healthy: true, lastReportAt: undefined }];
    });
  }

  async getDevice(deviceId: string): Promise<DeviceDetails | undefined> {
    const device = this.devices.get(deviceId);
    if (!device) return undefined;
    return { ...device.summary, state: device.last?.state ?? 'idle', healthy: device.last?.healthy ?? true, lastReportAt: device.last?.at, desiredVersion: device.command?.desired.version };
  }

  /** Pages by position in the map; the token is the next position. */
  async listDevices(filter: DeviceFilter, page: { limit: number; continuationToken?: string }): Promise<{ items: DeviceSummary[]; continuationToken?: string }> {
    const matching = [...this.devices.values()].map((d) => d.summary).filter((d) =>
      (filter.site === undefined || d.tags.site === filter.site) && (filter.model === undefined || d.tags.model === filter.model) && (filter.version === undefined || d.installedVersion === filter.version));
    const start = Number(page.continuationToken ?? 0);
    const end = start + page.limit;
    return { items: matching.slice(start, end), ...(end < matching.length ? { continuationToken: String(end) } : {}) };
  }

  /** Summaries are all this double keeps: the same pages as listDevices. */
  listDeviceSummaries(filter: DeviceFilter, page: { limit: number; continuationToken?: string }): Promise<{ items: DeviceSummary[]; continuationToken?: string }> {
    return this.listDevices(filter, page);
  }

  commandsReceived(deviceId: string): string[] {
    return [...(this.devices.get(deviceId)?.commands ?? [])];
  }

  /** Completes the device's command when it is due by `nowMs`; the device then reports its final state. */
  private finish(device: FakeDevice, nowMs: number): void {
    const { command } = device;
    const doneMs = command && command.atMs + (this.options.installMs ?? 500);
    if (!command || doneMs === undefined || nowMs < doneMs) return;
    device.summary = { ...device.summary, installedVersion: command.desired.version };
    const healthy = !(command.desired.kind === 'install' && this.options.unhealthyModels?.includes(device.summary.tags.model ?? ''));
    device.last = { state: 'succeeded', healthy, at: new Date(doneMs).toISOString(), commandId: command.desired.commandId };
    device.command = undefined;
  }
}
