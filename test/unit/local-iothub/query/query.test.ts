import { compileQuery, type JsonObject } from '../../../../local-iothub/query';
import { jobs, twins } from './twins';

const ids = (rows: JsonObject[]) => rows.map((row) => row.deviceId);
const byId = (deviceId: string) => twins.find((twin) => twin.deviceId === deviceId) as JsonObject;

describe('the queries a rollout sends', () => {
  it("SELECT * FROM devices WHERE tags.site IN ['plant-a', 'plant-b']", () => {
    const query = compileQuery("SELECT * FROM devices WHERE tags.site IN ['plant-a', 'plant-b']");
    expect(query).toMatchObject({ from: 'devices', aggregate: false });
    expect(ids(query.run(twins))).toEqual(['a-0', 'a-1', 'b-0']);
  });

  it("tags.site = 'plant-a' AND tags.model = 'ctl-a' (a job's queryCondition, inside a full query)", () => {
    expect(ids(compileQuery("SELECT * FROM devices WHERE tags.site = 'plant-a' AND tags.model = 'ctl-a'").run(twins))).toEqual(['a-0']);
  });

  it('SELECT deviceId, properties.reported.ota … WHERE properties.desired.ota.command.id = …', () => {
    const query = compileQuery("SELECT deviceId, properties.reported.ota FROM devices WHERE properties.desired.ota.command.id = 'r1:w0:b0:install'");
    expect(query.run(twins)).toEqual([
      { deviceId: 'a-0', ota: { state: 'succeeded', installedVersion: '2.0.0' } },
      { deviceId: 'b-0', ota: { state: 'succeeded', installedVersion: '2.0.0' } },
    ]);
  });

  it("SELECT * FROM devices WHERE deviceId IN ['a','b']", () => {
    const rows = [{ deviceId: 'a' }, { deviceId: 'b' }, { deviceId: 'c' }];
    expect(compileQuery("SELECT * FROM devices WHERE deviceId IN ['a','b']").run(rows)).toEqual([{ deviceId: 'a' }, { deviceId: 'b' }]);
  });
});

describe('projection', () => {
  it('SELECT * gives the row itself; project() is undefined for a row that does not match', () => {
    const query = compileQuery("SELECT * FROM devices WHERE tags.site = 'plant-a'");
    expect(query.project(byId('a-0'))).toBe(byId('a-0'));
    expect(query.project(byId('b-0'))).toBeUndefined();
    expect(compileQuery('SELECT * FROM devices').run(twins)).toHaveLength(twins.length);
  });

  it.each<[string, JsonObject]>([
    ['SELECT deviceId, tags.site FROM devices', { deviceId: 'a-0', site: 'plant-a' }],
    ['SELECT properties.reported.ota.state AS otaState, properties.reported.$version FROM devices', { otaState: 'succeeded', $version: 5 }],
    ['SELECT tags FROM devices', { tags: { site: 'plant-a', model: 'ctl-a', rack: 1 } }],
    ['SELECT tags.site AS deviceId, deviceId AS site FROM devices', { deviceId: 'plant-a', site: 'a-0' }],
    ['SELECT deviceId, tags.ring, properties.desired.nothing.here FROM devices', { deviceId: 'a-0' }], // missing fields leave their key out
    ['SELECT status, etag, version, connectionState FROM devices', { status: 'enabled', etag: 'AAAA', version: 4, connectionState: 'Disconnected' }],
  ])('%s', (sql, expected) => {
    const projected = compileQuery(sql).project(byId('a-0'));
    expect(projected).toEqual(expected);
    expect(Object.keys(projected ?? {})).toEqual(Object.keys(expected));
  });

  it('an alias named __proto__ is a plain key', () => {
    const [row] = compileQuery("SELECT deviceId AS __proto__ FROM devices WHERE deviceId = 'a-0'").run(twins);
    expect(Object.keys(row ?? {})).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(JSON.stringify(row)).toBe('{"__proto__":"a-0"}');
  });

  it('run() takes any iterable', () => {
    function* rows() {
      yield* twins;
    }
    expect(ids(compileQuery("SELECT deviceId FROM devices WHERE tags.model = 'ctl-b'").run(rows()))).toEqual(['a-1', 'c-0']);
  });
});

describe('COUNT and GROUP BY', () => {
  it.each<[string, JsonObject[]]>([
    ['SELECT COUNT() AS n FROM devices', [{ n: 5 }]],
    ['SELECT COUNT() FROM devices', [{ $1: 5 }]],
    ['SELECT COUNT() AS n, COUNT() AS m FROM devices', [{ n: 5, m: 5 }]],
    ["SELECT COUNT() AS n FROM devices WHERE tags.site = 'plant-a'", [{ n: 2 }]],
    ["SELECT COUNT() AS n FROM devices WHERE tags.site = 'nowhere'", [{ n: 0 }]],
    ['SELECT tags.site, COUNT() AS n FROM devices GROUP BY tags.site', [
      { site: 'plant-a', n: 2 }, { site: 'plant-b', n: 1 }, { site: 'plant-c', n: 1 }, { n: 1 }, // x-0 has no site
    ]],
    ['SELECT COUNT() AS n, tags.model AS model FROM devices WHERE IS_DEFINED(tags.model) GROUP BY tags.model', [
      { n: 2, model: 'ctl-a' }, { n: 2, model: 'ctl-b' },
    ]],
    ["SELECT properties.reported.ota.state, COUNT() AS devices FROM devices WHERE tags.site IN ['plant-a', 'plant-b'] GROUP BY properties.reported.ota.state", [
      { state: 'succeeded', devices: 2 }, { state: 'installing', devices: 1 },
    ]],
    ['SELECT COUNT() AS n FROM devices GROUP BY tags.rack', [{ n: 1 }, { n: 1 }, { n: 1 }, { n: 2 }]],
    ['SELECT tags.rack, COUNT() AS n FROM devices WHERE tags.rack = 9 GROUP BY tags.rack', []],
    ['SELECT properties.reported.ota, COUNT() AS n FROM devices GROUP BY properties.reported.ota', [
      { ota: { state: 'succeeded', installedVersion: '2.0.0' }, n: 2 },
      { ota: { state: 'installing', installedVersion: '1.0.0' }, n: 1 },
      { ota: { state: 'failed' }, n: 1 },
      { n: 1 },
    ]],
  ])('%s', (sql, expected) => {
    const query = compileQuery(sql);
    expect(query.aggregate).toBe(true);
    expect(query.run(twins)).toEqual(expected);
  });

  it('keeps 1 and "1" in different groups', () => {
    const rows = [{ tags: { v: 1 } }, { tags: { v: '1' } }, { tags: { v: 1 } }];
    expect(compileQuery('SELECT tags.v, COUNT() AS n FROM devices GROUP BY tags.v').run(rows)).toEqual([{ v: 1, n: 2 }, { v: '1', n: 1 }]);
  });

  it('has no per-row projection', () => {
    expect(() => compileQuery('SELECT COUNT() AS n FROM devices').project(byId('a-0'))).toThrow('use run()');
  });
});

describe('FROM devices.jobs', () => {
  it('filters and projects job rows', () => {
    const query = compileQuery("SELECT deviceId, jobId, status FROM devices.jobs WHERE status = 'completed'");
    expect(query.from).toBe('devices.jobs');
    expect(query.run(jobs)).toEqual([
      { deviceId: 'a-0', jobId: 'j1', status: 'completed' },
      { deviceId: 'b-0', jobId: 'j2', status: 'completed' },
    ]);
  });

  it('groups job rows', () => {
    expect(compileQuery('SELECT jobId, COUNT() AS devices FROM devices.jobs GROUP BY jobId').run(jobs)).toEqual([
      { jobId: 'j1', devices: 2 },
      { jobId: 'j2', devices: 1 },
    ]);
  });
});
