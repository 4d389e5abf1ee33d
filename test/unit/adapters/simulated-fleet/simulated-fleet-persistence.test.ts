import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatedFleet } from '../../../../adapters/simulated-fleet/simulated-fleet';
import { after, commands, ids, t0, twoModelProfile } from './fleet-test-profile';

describe('SimulatedFleet with a state file', () => {
  let dir: string;
  let stateFile: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'simulated-fleet-'));
    stateFile = join(dir, 'data', 'fleet.jsonl');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const profile = twoModelProfile([{ when: { model: 'ctl-b', version: '2.0.0' }, installFailureRate: 1 }, { installTime: 'PT10S' }]);
  const all = [...ids('a-', 10), ...ids('b-', 10)];

  it('a re-created fleet keeps installed versions, reports and accepted commandIds', async () => {
    const before = new SimulatedFleet(profile, { stateFile });
    await before.applyDesired(commands(all), t0);
    await before.readReports(all, after(60_000));
    await before.applyDesired(commands(['a-0'], { commandId: 'cmd-restore', version: '1.0.0', kind: 'restore' }), after(70_000));
    const reportsBefore = await before.readReports(all, after(80_000));

    const restarted = new SimulatedFleet(profile, { stateFile });
    expect(await restarted.readReports(all, after(80_000))).toEqual(reportsBefore);
    expect(reportsBefore.filter((r) => r.installedVersion === '2.0.0').map((r) => r.deviceId)).toEqual(ids('a-', 10).slice(1));
    expect(restarted.commandsReceived('a-0')).toEqual(['cmd-1', 'cmd-restore']);
    expect(await restarted.getDevice('a-0')).toEqual(await before.getDevice('a-0'));

    // An activity re-run after the restart does not reach any device a second time.
    expect(await restarted.applyDesired(commands(all), after(90_000))).toEqual({ sent: 0, alreadyApplied: 20 });
  });

  it('an install under way at the crash finishes after the restart', async () => {
    const before = new SimulatedFleet(profile, { stateFile });
    await before.applyDesired(commands(['a-0']), t0);

    const restarted = new SimulatedFleet(profile, { stateFile });
    expect((await restarted.readReports(['a-0'], after(5_000)))[0]?.state).toBe('installing');
    expect((await restarted.readReports(['a-0'], after(10_000)))[0]).toMatchObject({ state: 'succeeded', installedVersion: '2.0.0' });
  });

  it('journals each batch as one line per change', async () => {
    const fleet = new SimulatedFleet(profile, { stateFile });
    await fleet.applyDesired(commands(['a-0', 'a-1']), t0);
    await fleet.readReports(['a-0', 'a-1'], after(5_000)); // nothing finished: nothing written
    await fleet.readReports(['a-0'], after(10_000));
    const lines = readFileSync(stateFile, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines).toEqual([
      { type: 'accepted', deviceId: 'a-0', commandId: 'cmd-1', version: '2.0.0', kind: 'install', at: t0 },
      { type: 'accepted', deviceId: 'a-1', commandId: 'cmd-1', version: '2.0.0', kind: 'install', at: t0 },
      {
        type: 'finished',
        deviceId: 'a-0',
        commandId: 'cmd-1',
        state: 'succeeded',
        installedVersion: '2.0.0',
        healthy: true,
        reportedAt: after(10_000),
        at: after(10_000),
      },
    ]);
  });

  it('drops a last line cut short by a crash, and appends cleanly after it', async () => {
    const before = new SimulatedFleet(profile, { stateFile });
    await before.applyDesired(commands(['a-0']), t0);
    appendFileSync(stateFile, '{"type":"accepted","deviceId":"a-1","comm');

    const restarted = new SimulatedFleet(profile, { stateFile });
    expect(restarted.commandsReceived('a-0')).toEqual(['cmd-1']);
    expect(restarted.commandsReceived('a-1')).toEqual([]);
    await restarted.applyDesired(commands(['a-1']), t0);
    expect(new SimulatedFleet(profile, { stateFile }).commandsReceived('a-1')).toEqual(['cmd-1']);
  });

  it('refuses a damaged journal, naming the line', async () => {
    appendFileSync(join(dir, 'bad.jsonl'), '{"type":"accepted","deviceId":"a-0","commandId":"c","version":"2","kind":"install","at":"2030-01-01T00:00:00Z"}\nnot json\n');
    expect(() => new SimulatedFleet(profile, { stateFile: join(dir, 'bad.jsonl') })).toThrow(/bad\.jsonl:2: not JSON/);
  });

  it('without a state file, writes nothing', async () => {
    const fleet = new SimulatedFleet(profile);
    await fleet.applyDesired(commands(all), t0);
    await fleet.readReports(all, after(60_000));
    expect(existsSync(stateFile)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});
