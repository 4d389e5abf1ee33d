import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InvalidFleetProfileError,
  demoProfilePath,
  groupOf,
  loadFleetProfile,
  parseFleetProfile,
} from '../../../../local-iothub/virtual-devices/fleet-profile';

const group = { count: 3, idPrefix: 'a-', tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '1.0.0' };
const behavior = { when: { model: 'ctl-b', version: '2.0.0' }, installFailureRate: 1, unhealthyRate: 0, offlineRate: 0, installTime: 'PT0.5S' };

function problemsOf(json: unknown): string[] {
  try {
    parseFleetProfile(json);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidFleetProfileError);
    return (error as InvalidFleetProfileError).problems;
  }
  throw new Error('expected the profile to be refused');
}

describe('parseFleetProfile: a good profile', () => {
  it('keeps groups and behaviors, converts installTime to milliseconds', () => {
    const profile = parseFleetProfile({ devices: [group], behaviors: [behavior], seed: 's1' });
    expect(profile).toEqual({
      devices: [{ ...group, updateName: 'firmware', software: {} }],
      behaviors: [{ when: behavior.when, installFailureRate: 1, unhealthyRate: 0, offlineRate: 0, installTimeMs: 500 }],
      seed: 's1',
      healthTelemetry: { intervalMs: 300_000 },
      metrics: [],
    });
  });

  it('healthTelemetry: an interval as an ISO duration (default PT5M), or false for none', () => {
    const of = (healthTelemetry: unknown) => parseFleetProfile({ devices: [group], healthTelemetry }).healthTelemetry;
    expect(of({ interval: 'PT1M' })).toEqual({ intervalMs: 60_000 });
    expect(of({})).toEqual({ intervalMs: 300_000 });
    expect(of(false)).toBe(false);
  });

  it.each([
    [{ interval: 'PT5X' }, "healthTelemetry.interval must be an ISO 8601 duration such as PT0.5S or PT10M, not 'PT5X'"],
    [{ interval: 'PT0.5S' }, 'healthTelemetry.interval must be at least PT1S'],
    [{ interval: 'PT1M', every: 2 }, 'healthTelemetry.every is not a known field'],
    [true, 'healthTelemetry must be false or an object such as { "interval": "PT5M" }'],
  ])('healthTelemetry %j is refused naming the path', (healthTelemetry, problem) => {
    expect(problemsOf({ devices: [group], healthTelemetry })).toEqual([problem]);
  });

  it('defaults: no behaviors, empty seed, no tags, main update `firmware`, rates 0, installTime PT0.5S, `when` matching everything', () => {
    const profile = parseFleetProfile({ devices: [{ count: 1, idPrefix: 'x', installedVersion: '1' }], behaviors: [{}] });
    expect(profile.seed).toBe('');
    expect(profile.devices[0]?.tags).toEqual({});
    expect(profile.devices[0]?.updateName).toBe('firmware');
    expect(profile.behaviors).toEqual([{ when: {}, installFailureRate: 0, unhealthyRate: 0, offlineRate: 0, installTimeMs: 500 }]);
  });
});

describe('parseFleetProfile: every problem names its JSON path', () => {
  it.each<[string, unknown, string]>([
    ['not an object', 5, 'profile must be an object'],
    ['no devices', {}, 'devices is required'],
    ['empty devices', { devices: [] }, 'devices must list at least one device group'],
    ['unknown root field', { devices: [group], seeds: 'x' }, 'seeds is not a known field'],
    ['count not a number', { devices: [{ ...group, count: '600' }] }, 'devices[0].count must be a number'],
    ['fractional count', { devices: [{ ...group, count: 1.5 }] }, 'devices[0].count must be a whole number'],
    ['zero count', { devices: [{ ...group, count: 0 }] }, 'devices[0].count must be at least 1'],
    ['idPrefix missing', { devices: [{ ...group, idPrefix: undefined }] }, 'devices[0].idPrefix is required'],
    ['idPrefix with a space', { devices: [{ ...group, idPrefix: 'a b' }] }, 'devices[0].idPrefix may contain only'],
    ['tag not a string', { devices: [{ ...group, tags: { site: 1 } }] }, 'devices[0].tags.site must be a string'],
    ['empty installedVersion', { devices: [{ ...group, installedVersion: '' }] }, 'devices[0].installedVersion must not be empty'],
    ['rate above 1', { devices: [group], behaviors: [{ ...behavior, installFailureRate: 1.5 }] }, 'behaviors[0].installFailureRate must be between 0 and 1'],
    ['negative rate', { devices: [group], behaviors: [behavior, { ...behavior, unhealthyRate: -0.1 }] }, 'behaviors[1].unhealthyRate must be between 0 and 1'],
    ['rate not a number', { devices: [group], behaviors: [{ ...behavior, offlineRate: 'low' }] }, 'behaviors[0].offlineRate must be a number'],
    ['bad installTime', { devices: [group], behaviors: [{ ...behavior, installTime: '5s' }] }, "behaviors[0].installTime must be an ISO 8601 duration such as PT0.5S or PT10M, not '5s'"],
    ['unknown `when` key', { devices: [group], behaviors: [{ ...behavior, when: { modle: 'ctl-b' } }] }, 'behaviors[0].when.modle is not a known field'],
    ['seed not a string', { devices: [group], seed: 7 }, 'seed must be a string'],
    ['updateName not a string', { devices: [{ ...group, updateName: 3 }] }, 'devices[0].updateName must be a string'],
    ['empty updateName', { devices: [{ ...group, updateName: '' }] }, 'devices[0].updateName must not be empty'],
    ['updateName with a dot', { devices: [{ ...group, updateName: 'line.controller' }] }, "devices[0].updateName may not contain '.', '$' or spaces: it becomes a twin property name"],
    ['software name with a space', { devices: [{ ...group, software: { 'boot loader': '1.0.0' } }] }, `devices[0].software["boot loader"] may not contain '.', '$' or spaces`],
    ['software naming the main update', { devices: [{ ...group, updateName: 'plc', software: { plc: '1.0.0' } }] }, 'devices[0].software.plc is the main update (updateName): its version is installedVersion'],
  ])('%s', (_case, json, expected) => {
    expect(problemsOf(json)).toEqual([expect.stringContaining(expected)]);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({ devices: [{ ...group, count: -1 }], behaviors: [{ ...behavior, installFailureRate: 2, installTime: 'x' }] });
    expect(problems).toEqual([
      'devices[0].count must be at least 1',
      'behaviors[0].installFailureRate must be between 0 and 1',
      "behaviors[0].installTime must be an ISO 8601 duration such as PT0.5S or PT10M, not 'x'",
    ]);
  });

  it('refuses duplicate device ids, naming both groups (prefixes a- and a-1 collide at a-10)', () => {
    const problems = problemsOf({ devices: [{ ...group, count: 20 }, { ...group, idPrefix: 'a-1', count: 1 }] });
    expect(problems).toEqual(["devices[1].idPrefix repeats device id 'a-10' of devices[0]"]);
  });
});

describe('parseFleetProfile: the main update and other software', () => {
  it('keeps updateName and software', () => {
    const profile = parseFleetProfile({ devices: [{ ...group, updateName: 'line-controller', software: { bootloader: '1.4.0' } }] });
    expect(profile.devices[0]).toMatchObject({ updateName: 'line-controller', software: { bootloader: '1.4.0' } });
  });
});

describe('groupOf', () => {
  const profile = parseFleetProfile({ devices: [{ ...group, count: 20 }, { ...group, idPrefix: 'b-', count: 2 }] });

  it('finds the group of an id the profile describes, and no group for others', () => {
    expect(groupOf(profile, 'a-19')).toBe(profile.devices[0]);
    expect(groupOf(profile, 'b-1')).toBe(profile.devices[1]);
    for (const id of ['a-20', 'b-2', 'a-07', 'a-', 'c-0', 'a-1x']) expect(groupOf(profile, id)).toBeUndefined();
  });
});

describe('loadFleetProfile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fleet-profile-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads a file and names it in errors', () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ devices: [group] }));
    expect(loadFleetProfile(good).devices).toEqual([{ ...group, updateName: 'firmware', software: {} }]);

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ devices: [{ ...group, count: 0 }] }));
    expect(() => loadFleetProfile(bad)).toThrow(`Invalid fleet profile ${bad}: devices[0].count must be at least 1`);
  });

  it('refuses a file that is not JSON or does not exist', () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "devices": [');
    expect(() => loadFleetProfile(broken)).toThrow(InvalidFleetProfileError);
    expect(() => loadFleetProfile(broken)).toThrow(/broken\.json: profile cannot be read as JSON/);
    expect(() => loadFleetProfile(join(dir, 'missing.json'))).toThrow(/missing\.json: profile cannot be read as JSON: ENOENT/);
  });

  it('the demo profile: about 2,000 devices on 1.0.0, 3 sites, 2 models, ctl-b fails 2.0.0', () => {
    const profile = loadFleetProfile(demoProfilePath);
    const total = profile.devices.reduce((sum, { count }) => sum + count, 0);
    expect(total).toBe(2000);
    expect(new Set(profile.devices.map((g) => g.tags.site))).toEqual(new Set(['plant-a', 'plant-b', 'plant-c']));
    expect(new Set(profile.devices.map((g) => g.tags.model))).toEqual(new Set(['ctl-a', 'ctl-b']));
    expect(profile.devices.every((g) => g.installedVersion === '1.0.0')).toBe(true);
    expect(profile.behaviors[0]).toMatchObject({ when: { model: 'ctl-b', version: '2.0.0' }, installFailureRate: 1 });
  });
});
