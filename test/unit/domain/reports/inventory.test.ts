import type { DeviceSummary } from '../../../../domain/fleet/device';
import { toCsv } from '../../../../domain/reports/csv';
import { buildInventory, inventoryDocument, inventoryQuery, parseInventoryFilter, type InventoryFilter } from '../../../../domain/reports/inventory';

describe('parseInventoryFilter', () => {
  it.each<[string, Record<string, string | undefined>, InventoryFilter]>([
    ['no parameters: every device', {}, {}],
    ['empty parameters are no filter', { site: '', model: '', version: '' }, {}],
    ['each given filter is kept', { site: 'plant-a', model: 'ctl-a', version: '2.0.0' }, { site: 'plant-a', model: 'ctl-a', version: '2.0.0' }],
    ['spaces inside a value are fine', { site: 'Plant A hall 2' }, { site: 'Plant A hall 2' }],
  ])('%s', (_, params, filter) => {
    expect(parseInventoryFilter(params)).toEqual({ ok: true, filter });
  });

  it.each<[string, Record<string, string>, string, string]>([
    ['a quote could end the query string', { site: "plant-a' OR tags.site != 'x" }, 'site', 'quotes'],
    ['a backslash', { model: 'ctl\\a' }, 'model', 'backslashes'],
    ['a control character', { version: '2.0.0\n' }, 'version', 'control characters'],
    ['leading space', { site: ' plant-a' }, 'site', 'space'],
    ['too long', { model: 'm'.repeat(129) }, 'model', '128'],
  ])('refuses %s, naming the field', (_, params, field, message) => {
    const parsed = parseInventoryFilter(params);
    expect(parsed).toEqual({ ok: false, errors: [{ field, message: expect.stringContaining(message) }] });
  });

  it('names every bad field', () => {
    const parsed = parseInventoryFilter({ site: "'", model: 'ok', version: "'" });
    expect(parsed.ok ? [] : parsed.errors.map((e) => e.field)).toEqual(['site', 'version']);
  });
});

describe('inventoryQuery', () => {
  it.each<[InventoryFilter, string]>([
    [{}, 'SELECT * FROM devices'],
    [{ site: 'plant-a' }, "SELECT * FROM devices WHERE tags.site = 'plant-a'"],
    [{ version: '2.0.0', model: 'ctl-b' }, "SELECT * FROM devices WHERE tags.model = 'ctl-b' AND properties.reported.ota.installedVersion = '2.0.0'"],
    [{ site: 'a', model: 'b', version: 'c' }, "SELECT * FROM devices WHERE tags.site = 'a' AND tags.model = 'b' AND properties.reported.ota.installedVersion = 'c'"],
  ])('%j', (filter, query) => expect(inventoryQuery(filter)).toBe(query));

  it('refuses to build a query from an unchecked value with a quote', () => {
    expect(() => inventoryQuery({ site: "x' OR deviceId != '" })).toThrow(RangeError);
  });
});

describe('buildInventory', () => {
  const device = (deviceId: string, tags: Record<string, string>, installedVersion: string, software?: Record<string, string>): DeviceSummary =>
    ({ deviceId, tags, installedVersion, ...(software ? { software } : {}) });
  const devices = [
    device('a-10', { site: 'plant-a', model: 'ctl-a' }, '2.0.0', { bootloader: '1.1.0' }),
    device('a-2', { site: 'plant-a', model: 'ctl-a' }, '1.0.0'),
    device('b-1', { site: 'plant-b', model: 'ctl-b' }, '2.0.0'),
    device('x-1', {}, '1.10.0'),
  ];
  const report = buildInventory({ devices, filter: {}, generatedAt: '2025-06-01T00:00:00.000Z' });

  it('lists devices by id in natural order, with site, model, version and software', () => {
    expect(report.devices).toEqual([
      { deviceId: 'a-2', site: 'plant-a', model: 'ctl-a', installedVersion: '1.0.0', software: {} },
      { deviceId: 'a-10', site: 'plant-a', model: 'ctl-a', installedVersion: '2.0.0', software: { bootloader: '1.1.0' } },
      { deviceId: 'b-1', site: 'plant-b', model: 'ctl-b', installedVersion: '2.0.0', software: {} },
      { deviceId: 'x-1', site: null, model: null, installedVersion: '1.10.0', software: {} },
    ]);
    expect(report.deviceCount).toBe(4);
  });

  it('counts by version (newest first), and by model and site (untagged last)', () => {
    expect(report.byVersion).toEqual([{ version: '2.0.0', devices: 2 }, { version: '1.10.0', devices: 1 }, { version: '1.0.0', devices: 1 }]);
    expect(report.byModel).toEqual([
      { model: 'ctl-a', devices: 2, byVersion: [{ version: '2.0.0', devices: 1 }, { version: '1.0.0', devices: 1 }] },
      { model: 'ctl-b', devices: 1, byVersion: [{ version: '2.0.0', devices: 1 }] },
      { model: null, devices: 1, byVersion: [{ version: '1.10.0', devices: 1 }] },
    ]);
    expect(report.bySite.map((s) => [s.site, s.devices])).toEqual([['plant-a', 2], ['plant-b', 1], [null, 1]]);
  });

  it('an empty fleet is an empty report, not an error', () => {
    const empty = buildInventory({ devices: [], filter: { site: 'nowhere' }, generatedAt: '2025-06-01T00:00:00.000Z' });
    expect(empty).toMatchObject({ deviceCount: 0, byVersion: [], byModel: [], bySite: [], devices: [], query: "SELECT * FROM devices WHERE tags.site = 'nowhere'" });
  });

  it('renders devices as the default CSV table, with the JSON field names as header', () => {
    const doc = inventoryDocument(report);
    expect(doc.tables.map((t) => t.name)).toEqual(['devices', 'versions', 'models', 'sites', 'groups']);
    expect(toCsv(doc.tables[0]!)).toBe([
      'deviceId,site,model,installedVersion,software',
      'a-2,plant-a,ctl-a,1.0.0,',
      'a-10,plant-a,ctl-a,2.0.0,bootloader=1.1.0',
      'b-1,plant-b,ctl-b,2.0.0,',
      'x-1,,,1.10.0,',
      '',
    ].join('\r\n'));
    expect(toCsv(doc.tables[2]!)).toBe('model,version,devices\r\nctl-a,2.0.0,1\r\nctl-a,1.0.0,1\r\nctl-b,2.0.0,1\r\n,1.10.0,1\r\n');
  });
});
