import type { DeviceSummary } from '../../../../domain/fleet/device';
import { buildInventory, inventoryDocument, inventoryReport } from '../../../../domain/reports/inventory';
import { deviceListPath, InventoryTally } from '../../../../domain/reports/inventory-tally';

const device = (deviceId: string, site: string | undefined, model: string | undefined, installedVersion: string): DeviceSummary =>
  ({ deviceId, tags: { ...(site ? { site } : {}), ...(model ? { model } : {}) }, installedVersion });

/** 600 devices over two sites, two models (some untagged) and three versions, in no particular order. */
const fleet: DeviceSummary[] = Array.from({ length: 600 }, (_, i) => {
  const n = (i * 383) % 600;
  return device(`dev-${n}`, n % 7 === 0 ? undefined : n % 2 ? 'plant-a' : 'plant-b', n % 3 ? 'ctl-a' : 'ctl-b', ['1.0.0', '1.1.0', '2.0.0'][n % 3]!);
});
const at = '2026-12-01T00:00:00.000Z';

function folded(pageSize: number, listLimit: number, devices = fleet) {
  const tally = new InventoryTally(listLimit);
  for (let start = 0; start < devices.length; start += pageSize) tally.add(devices.slice(start, start + pageSize));
  return inventoryReport(tally, {}, at);
}

describe('InventoryTally', () => {
  it.each([1, 7, 100, 600])('pages of %i devices give the same counts as the whole fleet at once', (pageSize) => {
    const whole = buildInventory({ devices: fleet, filter: {}, generatedAt: at });
    const { devices: _listed, deviceList: _list, ...counts } = folded(pageSize, 1000);
    const { devices: _all, deviceList: _allList, ...wholeCounts } = whole;
    expect(counts).toEqual(wholeCounts);
    expect(counts.deviceCount).toBe(600);
  });

  it('counts each distinct site, model and version once, adding up to every device', () => {
    const report = folded(50, 10);
    expect(report.groups.length).toBeLessThanOrEqual(3 * 3 * 3);
    expect(report.groups.reduce((sum, g) => sum + g.devices, 0)).toBe(600);
    const plantA = report.groups.filter((g) => g.site === 'plant-a' && g.model === 'ctl-a');
    expect(plantA.map((g) => g.version)).toEqual(['2.0.0', '1.1.0']); // newest first; n odd and n % 3 ≠ 0
    expect(report.groups.at(-1)?.site).toBeNull(); // untagged last
  });

  it('lists only the first devices by id, says the list is capped and where every device is listed', () => {
    const report = folded(100, 3);
    expect(report.devices.map((d) => d.deviceId)).toEqual(['dev-0', 'dev-1', 'dev-2']);
    expect(report.deviceList).toEqual({ limit: 3, listed: 3, capped: true, all: '/api/devices' });
    const devicesTable = inventoryDocument(report).tables[0]!;
    expect(devicesTable.rows).toHaveLength(3);
    expect(devicesTable.note).toBe('First 3 of 600 devices by id; GET /api/devices lists every device, a page at a time.');
  });

  it('an uncapped list carries no note', () => {
    const report = folded(100, 1000);
    expect(report.deviceList.capped).toBe(false);
    expect(inventoryDocument(report).tables[0]!.note).toBeUndefined();
  });

  it('points to the device list with the same filter', () => {
    expect(deviceListPath({ site: 'Plant A', version: '2.0.0' })).toBe('/api/devices?site=Plant+A&version=2.0.0');
  });

  it('offers the per-group counts as their own CSV table', () => {
    const table = inventoryDocument(folded(600, 10)).tables.find((t) => t.name === 'groups')!;
    expect(table.columns.map((c) => c.key)).toEqual(['site', 'model', 'version', 'devices']);
    expect(table.rows.reduce((sum, row) => sum + Number(row.devices), 0)).toBe(600);
  });
});
