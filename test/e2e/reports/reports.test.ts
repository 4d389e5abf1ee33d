/**
 * Reports through the HTTP API on the local stack: after a completed rollout, the inventory (JSON and CSV) agrees
 * with what every device says about itself, the rollout report tells its story, and the compliance report shows
 * the rolled-out update fully deployed and another update's devices still exposed.
 */
import { principalHeaders } from '../../../scripts/local-principal';
import { startLocalStack, waitForRollout, writeProfile, type LocalStack } from '../../support/local-stack';
import { lineController, registerUpdate } from '../rollouts/fixtures';

const fleet = {
  devices: [
    { count: 12, idPrefix: 'a-', tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '1.0.0', software: { bootloader: '1.2.0' } },
    { count: 8, idPrefix: 'b-', tags: { site: 'plant-b', model: 'ctl-b' }, installedVersion: '1.0.0' },
    { count: 3, idPrefix: 'z-', tags: { site: 'plant-b', model: 'gw-z' }, installedVersion: '0.9.0' },
  ],
};
const deviceIds = fleet.devices.flatMap((group) => Array.from({ length: group.count }, (_, i) => `${group.idPrefix}${i}`));
const gatewayAgent = { provider: 'contoso', name: 'gateway-agent', version: '1.0.0' };

/** A GET as a browser or spreadsheet would make it, by a viewer: the raw text and content type. */
async function get(stack: LocalStack, route: string, roles = ['OTA.Viewer']): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(`${stack.url}/api/${route}`, { headers: principalHeaders('auditor@contoso.com', roles) });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** RFC 4180 CSV into objects keyed by the header row. */
function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '"') {
      const close = text.indexOf('"', i + 1);
      field += text.slice(i + 1, close);
      i = close;
      if (text[i + 1] === '"') field += '"';
    } else if (char === ',') { record.push(field); field = ''; }
    else if (char === '\r' && text[i + 1] === '\n') { record.push(field); records.push(record); record = []; field = ''; i++; }
    else field += char;
  }
  const [header, ...rows] = records;
  return rows.map((row) => Object.fromEntries(header!.map((key, i) => [key, row[i] ?? ''])));
}

let stack: LocalStack;
let rolloutId: string;

beforeAll(async () => {
  stack = await startLocalStack({ fleet: writeProfile(fleet), timeSkip: true });
  await registerUpdate(stack, '1.5.0');
  await registerUpdate(stack, '2.0.0');
  const gateway = await stack.api('POST', 'updates', {
    updateId: gatewayAgent, compatibility: [{ model: 'gw-z' }],
    files: [{ fileName: 'gateway-agent-1.0.0.swu', sizeInBytes: 1024, hashes: { sha256: 'bm90LWEtcmVhbC1oYXNo' } }],
  });
  expect(gateway.status).toBe(201);
  const created = await stack.api('POST', 'rollouts', {
    updateId: lineController('2.0.0'),
    target: { query: "tags.model IN ['ctl-a', 'ctl-b']" },
    canary: { devices: 2 },
    canarySoak: 'PT30M',
    waves: [{ percent: 50, soak: 'PT30M' }, { percent: 100, soak: 'PT30M' }],
    healthCheckInterval: 'PT5M',
    deviceTimeout: 'PT30M',
    failureThreshold: { percent: 5, minDevices: 5 },
  });
  expect(created.status).toBe(201);
  rolloutId = created.body.id;
  expect((await waitForRollout(stack, rolloutId, ['Completed', 'RolledBack', 'Failed', 'Cancelled'])).status).toBe('Completed');
}, 120000);
afterAll(async () => { await stack?.stop(); });

describe('inventory', () => {
  it('JSON and CSV agree with GET /api/devices for every device', async () => {
    const json = await stack.api('GET', 'inventory');
    expect(json.status).toBe(200);
    const csv = await get(stack, 'inventory?format=csv');
    expect(csv.status).toBe(200);
    expect(csv.type).toMatch(/^text\/csv/);
    const csvRows = new Map(parseCsv(csv.text).map((row) => [row.deviceId, row]));
    expect(json.body.deviceCount).toBe(deviceIds.length);
    expect(csvRows.size).toBe(deviceIds.length);
    for (const id of deviceIds) {
      const device = (await stack.api('GET', `devices/${id}`)).body;
      const expected = { deviceId: id, site: device.tags.site, model: device.tags.model, installedVersion: device.installedVersion, software: device.software ?? {} };
      expect(json.body.devices.find((d: any) => d.deviceId === id)).toEqual(expected);
      const software = Object.entries(expected.software).sort(([a], [b]) => a.localeCompare(b)).map(([name, version]) => `${name}=${version}`).join(';');
      expect(csvRows.get(id)).toEqual({ ...expected, software });
    }
    expect(json.body.byVersion).toEqual([{ version: '2.0.0', devices: 20 }, { version: '0.9.0', devices: 3 }]);
    expect(json.body.bySite.map((s: any) => [s.site, s.devices])).toEqual([['plant-a', 12], ['plant-b', 11]]);
  });

  it('filters narrow it: by site, by model and site, by version', async () => {
    const plantA = (await stack.api('GET', 'inventory?site=plant-a')).body;
    expect(plantA.deviceCount).toBe(12);
    expect(plantA.devices.every((d: any) => d.site === 'plant-a')).toBe(true);
    expect(plantA.filter).toEqual({ site: 'plant-a' });
    expect((await stack.api('GET', 'inventory?site=plant-b&model=gw-z')).body.devices.map((d: any) => d.deviceId)).toEqual(['z-0', 'z-1', 'z-2']);
    expect((await stack.api('GET', 'inventory?version=0.9.0')).body.deviceCount).toBe(3);
    const csv = parseCsv((await get(stack, 'inventory?format=csv&site=plant-b')).text);
    expect(csv).toHaveLength(11);
  });

  it('refuses filter values that could break out of the query, naming the field', async () => {
    const res = await stack.api('GET', `inventory?site=${encodeURIComponent("plant-a' OR tags.site != '")}`);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: any) => e.field)).toEqual(['site']);
  });

  it('renders summary tables as CSV on request, and a printable page', async () => {
    expect((await get(stack, 'inventory?format=csv&table=versions')).text).toBe('version,devices\r\n2.0.0,20\r\n0.9.0,3\r\n');
    const html = await get(stack, 'inventory?format=html');
    expect(html.type).toMatch(/^text\/html/);
    expect(html.text).toContain('@media print');
    expect(html.text).toContain('<td>z-2</td>');
  });
});

describe('rollout report', () => {
  it('shows the update, the waves, the timeline and Completed', async () => {
    const { status, body } = await stack.api('GET', `reports/rollouts/${rolloutId}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      rolloutId, status: 'Completed', final: true, createdBy: 'ops@contoso.com',
      update: { updateId: lineController('2.0.0'), registered: true },
      counts: { targeted: 20, succeeded: 20, failed: 0, pending: 0 },
      rollback: { performed: false, restored: 0 },
    });
    expect(body.waves.map((w: any) => [w.kind, w.status])).toEqual([['canary', 'Promoted'], ['wave', 'Promoted'], ['wave', 'Promoted']]);
    expect(body.waves.every((w: any) => w.startedAt && w.endedAt)).toBe(true);
    expect(body.timeline.map((e: any) => e.kind)).toEqual(['created', 'waveStarted', 'waveEnded', 'waveStarted', 'waveEnded', 'waveStarted', 'waveEnded', 'status']);
    expect(body.timeline.at(-1).text).toMatch(/^Completed: /);

    const csv = parseCsv((await get(stack, `reports/rollouts/${rolloutId}?format=csv`)).text);
    expect(csv.map((row) => [row.kind, row.status, row.succeeded])).toEqual([['canary', 'Promoted', '2'], ['wave', 'Promoted', String(body.waves[1].succeeded)], ['wave', 'Promoted', String(body.waves[2].succeeded)]]);
    const html = (await get(stack, `reports/rollouts/${rolloutId}?format=html`)).text;
    expect(html).toContain('<dt>Status</dt><dd>Completed</dd>');
    expect((await stack.api('GET', 'reports/rollouts/ro-does-not-exist')).status).toBe(404);
  });
});

describe('compliance report', () => {
  it('shows 100 % reached and nobody exposed for the rolled-out update; the other update still exposed', async () => {
    const { status, body } = await stack.api('GET', 'reports/compliance');
    expect(status).toBe(200);
    expect(body.rules.join(' ')).toMatch(/latest registered version/);
    const byName = new Map(body.updates.map((u: any) => [u.updateId.name, u]));
    expect(body.updates).toHaveLength(2); // line-controller 1.5.0 is not the latest: out of scope
    const lc: any = byName.get('line-controller');
    expect(lc).toMatchObject({ updateId: lineController('2.0.0'), eligible: 20, updated: 20, unconfirmed: 0, exposed: { count: 0, deviceIds: [] }, state: 'reached100', rolloutIds: [rolloutId] });
    const [p95, p100] = lc.milestones;
    expect(p100).toMatchObject({ percent: 100, devicesNeeded: 20 });
    expect(p95).toMatchObject({ percent: 95, devicesNeeded: 19 });
    expect(Date.parse(p100.reachedAt)).toBeGreaterThanOrEqual(Date.parse(p95.reachedAt));
    expect(p100.afterMs).toBeGreaterThan(0);
    expect(byName.get('gateway-agent')).toMatchObject({
      eligible: 3, updated: 0, exposed: { count: 3, deviceIds: ['z-0', 'z-1', 'z-2'] }, state: 'exposed',
      milestones: [{ percent: 95, reachedAt: null }, { percent: 100, reachedAt: null }],
    });

    const csv = parseCsv((await get(stack, 'reports/compliance?format=csv')).text);
    expect(csv.find((row) => row.name === 'line-controller')).toMatchObject({ version: '2.0.0', eligible: '20', updated: '20', exposed: '0', reached100At: p100.reachedAt, after100: p100.after });
    expect(parseCsv((await get(stack, 'reports/compliance?format=csv&table=exposed')).text).map((row) => row.deviceId)).toEqual(['z-0', 'z-1', 'z-2']);
    expect((await get(stack, 'reports/compliance?format=html')).text).toContain('Compliance: exposure windows');
  });
});

describe('access', () => {
  it.each(['inventory', 'reports/compliance', 'reports/rollouts/{id}'])('%s: any reader role may read it; no principal is 401, no role 403', async (route) => {
    const path = route.replace('{id}', rolloutId);
    for (const role of ['OTA.Viewer', 'OTA.Operator', 'OTA.Approver', 'OTA.Admin']) expect((await get(stack, path, [role])).status).toBe(200);
    expect((await get(stack, path, [])).status).toBe(403);
    expect((await fetch(`${stack.url}/api/${path}`)).status).toBe(401);
  });
});

describe('bad requests', () => {
  it.each(['inventory', 'reports/compliance', 'reports/rollouts/{id}'])('%s: an unknown format or table is a 400 naming it', async (route) => {
    const path = route.replace('{id}', rolloutId);
    const format = await stack.api('GET', `${path}?format=xlsx`);
    expect({ status: format.status, fields: format.body.errors.map((e: any) => e.field) }).toEqual({ status: 400, fields: ['format'] });
    const table = await stack.api('GET', `${path}?format=csv&table=nope`);
    expect({ status: table.status, fields: table.body.errors.map((e: any) => e.field) }).toEqual({ status: 400, fields: ['table'] });
  });
});
