/** `ota devices list|show`: the fleet, from GET /api/devices (filtered, paged) and GET /api/devices/{id}. */
import type { Command } from 'commander';
import type { DeviceDetails, DeviceSummary } from '../../domain/fleet/device';
import { positiveInteger, type Act } from '../action';
import { fields, table } from '../output';
import { listPages } from './paging';

type DeviceWithHealth = DeviceDetails & { health: { healthy: boolean; at: string; version: string } | null };

const tags = (tagSet: Record<string, string>) => Object.entries(tagSet).map(([k, v]) => `${k}=${v}`).join(' ');

export function registerDeviceCommands(program: Command, act: Act): void {
  const devices = program.command('devices').description('devices of the fleet');

  devices.command('list')
    .description('list devices, filtered by site, model and installed version')
    .option('--site <site>', 'only devices of this site (tag)')
    .option('--model <model>', 'only devices of this model (tag)')
    .option('--version <version>', 'only devices that run this version')
    .option('--limit <n>', 'devices per page (1-200)', positiveInteger('--limit'))
    .option('--continuation-token <token>', 'the page after the one that gave this token')
    .option('--all', 'follow every page (default: the first page only)')
    .action(act<{ site?: string; model?: string; version?: string; limit?: number; continuationToken?: string; all?: boolean }>(async (context, _args, options) => {
      const query = { site: options.site, model: options.model, version: options.version, limit: options.limit, continuationToken: options.continuationToken };
      const page = await listPages<DeviceSummary>(context.api, 'devices', query, options.all === true);
      context.out.print(page, (p) => table(p.items, [
        { header: 'device', value: (d) => d.deviceId },
        { header: 'site', value: (d) => d.tags.site },
        { header: 'model', value: (d) => d.tags.model },
        { header: 'version', value: (d) => d.installedVersion },
      ]));
      if (page.continuationToken) context.out.note(`more devices: add --all, or --continuation-token ${page.continuationToken}`);
    }));

  devices.command('show')
    .description('show one device: tags, installed and desired version, install state, latest health message')
    .argument('<id>', 'the device id')
    .action(act(async ({ api, out }, [id]) => {
      const device = await api.get<DeviceWithHealth>(`devices/${encodeURIComponent(id!)}`);
      out.print(device, (d) => fields([
        ['device', d.deviceId],
        ['tags', tags(d.tags)],
        ['installed', d.installedVersion],
        ['desired', d.desiredVersion],
        ['state', d.state],
        ['healthy', d.healthy ? 'yes' : 'no'],
        ['last report', d.lastReportAt],
        ['error', d.error],
        ['health message', d.health ? `${d.health.healthy ? 'healthy' : 'unhealthy'} on ${d.health.version} at ${d.health.at}` : 'none (judged on its twin reports)'],
      ]));
    }));
}
