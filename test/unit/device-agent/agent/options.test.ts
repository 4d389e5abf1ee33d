/** The command line: defaults, units, and one clear error naming the option. */
import path from 'node:path';
import { parseOptions, parseTags } from '../../../../device-agent/agent/options';

const parse = (raw: Parameters<typeof parseOptions>[0]) => parseOptions(raw);

it('applies the defaults and puts the trust file beside the hub file', () => {
  const parsed = parse({ device: 'dev-1', hub: '/srv/hub/iothub.json' });
  expect(parsed).toEqual({
    ok: true,
    options: {
      deviceId: 'dev-1', hub: { kind: 'local', connectionInfoFile: '/srv/hub/iothub.json' }, dataDir: path.resolve('./ota-agent-data'), tags: {},
      trustFile: '/srv/hub/device-trust.json', updateName: 'firmware', initialVersion: '1.0.0',
      telemetryIntervalMs: 60_000, trialPasses: 3, probeIntervalMs: 2000, trialTimeoutMs: 120_000,
    },
  });
});

it('takes seconds with fractions, tags and probes', () => {
  const parsed = parse({ device: 'dev-1', hub: 'hub.json', tags: 'site=plant-1, model=ctl-a', probeInterval: '0.25', trialPasses: '2', healthCmd: './check', healthUrl: 'http://127.0.0.1:8080/health' });
  expect(parsed.ok && parsed.options).toMatchObject({ tags: { site: 'plant-1', model: 'ctl-a' }, probeIntervalMs: 250, trialPasses: 2, healthCmd: './check', healthUrl: 'http://127.0.0.1:8080/health' });
});

it('reads the device id from a connection string and requires a trust file with it', () => {
  const cs = 'HostName=contoso.azure-devices.net;DeviceId=line-7;SharedAccessKey=a2V5a2V5a2V5a2V5a2V5a2V5';
  expect(parse({ connectionString: cs })).toEqual({ ok: false, error: '--trust: required with --connection-string (the root keys the device trusts)' });
  const parsed = parse({ connectionString: cs, trust: '/etc/ota/trust.json' });
  expect(parsed.ok && parsed.options).toMatchObject({ deviceId: 'line-7', hub: { kind: 'connection-string' }, trustFile: '/etc/ota/trust.json' });
  expect(parse({ connectionString: cs, trust: 't.json', device: 'other' })).toEqual({ ok: false, error: '--device: other is not the connection string\'s DeviceId line-7' });
  expect(parse({ connectionString: 'HostName=h;DeviceId=d', trust: 't.json' })).toEqual({ ok: false, error: '--connection-string: has no SharedAccessKey' });
});

it.each([
  [{ device: 'd' }, 'give either --hub'],
  [{ device: 'd', hub: 'h', connectionString: 'x' }, 'give either --hub'],
  [{ hub: 'h' }, '--device: required with --hub'],
  [{ device: 'bad id/with slash', hub: 'h' }, '--device:'],
  [{ device: 'd', hub: 'h', trialPasses: '0' }, '--trial-passes: must be at least 1'],
  [{ device: 'd', hub: 'h', trialPasses: '2.5' }, '--trial-passes: must be a whole number'],
  [{ device: 'd', hub: 'h', probeInterval: 'soon' }, '--probe-interval:'],
  [{ device: 'd', hub: 'h', telemetryInterval: '-1' }, '--telemetry-interval: must be a positive number of seconds'],
  [{ device: 'd', hub: 'h', initialVersion: 'v1' }, '--initial-version: must be a semantic version'],
  [{ device: 'd', hub: 'h', healthUrl: 'ftp://x' }, '--health-url: must be an http(s) URL'],
  [{ device: 'd', hub: 'h', tags: 'site' }, '--tags: "site" is not name=value'],
])('refuses %j with an error naming the option', (raw, error) => {
  const parsed = parse(raw);
  expect(parsed.ok).toBe(false);
  expect(!parsed.ok && parsed.error).toContain(error);
});

it('refuses a tag given twice', () => {
  expect(parseTags('site=a,site=b')).toBe('tag site is given twice');
});
