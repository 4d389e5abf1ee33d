import { InvalidTargetQueryError } from '../../../../domain/fleet/fleet-port';
import { parseTwinQuery, type TwinFields } from '../../../../adapters/simulated-fleet/twin-query';

const twins: TwinFields[] = [
  { deviceId: 'a-0', tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '1.0.0' },
  { deviceId: 'a-1', tags: { site: 'plant-a', model: 'ctl-b' }, installedVersion: '2.0.0' },
  { deviceId: 'b-0', tags: { site: 'plant-b', model: 'ctl-a' }, installedVersion: '1.0.0' },
  { deviceId: 'c-0', tags: { site: 'plant-c', model: 'ctl-b', ring: 'canary' }, installedVersion: '1.0.0' },
  { deviceId: 'x-0', tags: {}, installedVersion: '0.9.0' },
];

function matching(query: string): string[] {
  const matches = parseTwinQuery(query);
  return twins.filter(matches).map((twin) => twin.deviceId);
}

describe('parseTwinQuery: matching devices', () => {
  it.each<[string, string[]]>([
    ["tags.site = 'plant-a'", ['a-0', 'a-1']],
    ["SELECT * FROM devices WHERE tags.site = 'plant-a'", ['a-0', 'a-1']],
    ["select * from devices where tags.site = 'plant-a'", ['a-0', 'a-1']],
    ['SELECT * FROM devices', ['a-0', 'a-1', 'b-0', 'c-0', 'x-0']],
    ["tags.site = 'plant-a' AND tags.model = 'ctl-a'", ['a-0']],
    ["tags.site = 'plant-b' OR tags.model = 'ctl-b'", ['a-1', 'b-0', 'c-0']],
    ["tags.site != 'plant-a'", ['b-0', 'c-0']],
    ["tags.site <> 'plant-a'", ['b-0', 'c-0']],
    ["tags.site IN ['plant-a', 'plant-c']", ['a-0', 'a-1', 'c-0']],
    ["NOT tags.site IN ['plant-a', 'plant-c']", ['b-0']],
    ["deviceId IN ['a-0', 'c-0', 'nope']", ['a-0', 'c-0']],
    ["deviceId = 'x-0'", ['x-0']],
    ["properties.reported.installedVersion = '1.0.0'", ['a-0', 'b-0', 'c-0']],
    ["properties.reported.installedVersion != '2.0.0' AND tags.model = 'ctl-b'", ['c-0']],
    ["tags.site = 'plant-a' AND (tags.model = 'ctl-b' OR deviceId = 'a-0')", ['a-0', 'a-1']],
    ["tags.site = 'plant-b' OR tags.site = 'plant-c' AND tags.model = 'ctl-a'", ['b-0']], // AND binds tighter
    ["(tags.site = 'plant-b' OR tags.site = 'plant-c') AND tags.model = 'ctl-b'", ['c-0']],
    ["NOT (tags.model = 'ctl-a')", ['a-1', 'c-0']],
    ["NOT NOT tags.model = 'ctl-a'", ['a-0', 'b-0']],
    ["tags.ring = 'canary'", ['c-0']],
    // A missing tag compares as undefined, as in IoT Hub: x-0 has no tags at all.
    ["NOT tags.ring = 'canary'", []],
    ["tags.ring != 'canary'", []],
    ["tags.ring = 'canary' OR deviceId = 'x-0'", ['c-0', 'x-0']],
    ["tags.constructor = 'x'", []],
    ["tags.site = 'Plant-A'", []], // values are case-sensitive
  ])('%s', (query, expected) => {
    expect(matching(query)).toEqual(expected);
  });
});

describe('parseTwinQuery: parse errors name the position and what was expected', () => {
  it.each<[string, string]>([
    ['', 'expected a condition on deviceId, tags.<name> or properties.reported.installedVersion at position 1, found the end of the query'],
    ["tags.site = plant-a", "expected a single-quoted string such as 'plant-a' at position 13, found 'plant-a'"],
    ["tags.site = 'plant-a", 'the string starting at position 13 has no closing quote'],
    ["tags.site == 'plant-a'", "expected a single-quoted string such as 'plant-a' at position 12, found '='"],
    ["tags.site 'plant-a'", "expected '=', '!=' or IN after tags.site at position 11, found ''plant-a''"],
    ["tags.site = 'plant-a' AND", 'expected a condition on deviceId, tags.<name> or properties.reported.installedVersion at position 26, found the end of the query'],
    ["tags.site = 'a' tags.model = 'b'", "expected AND, OR or the end of the query at position 17, found 'tags.model'"],
    ["(tags.site = 'a'", "expected ')' at position 17, found the end of the query"],
    ["tags.site IN 'a'", "expected '[' at position 14, found ''a''"],
    ["tags.site IN ['a' 'b']", "expected ',' or ']' at position 19, found ''b''"],
    ["tags.site IN []", "expected a single-quoted string such as 'plant-a' at position 15, found ']'"],
    ["tags.location.region = 'eu'", "expected a condition on deviceId, tags.<name> or properties.reported.installedVersion at position 1, found 'tags.location.region'"],
    ["properties.desired.version = '2'", "at position 1, found 'properties.desired.version'"],
    ["tags.count = 5", "expected a single-quoted string such as 'plant-a' at position 14, found '5'"],
    ["tags.site > 'a'", "unexpected character '>' at position 11"],
    ["SELECT deviceId FROM devices", "expected '*' at position 8, found 'deviceId'"],
    ["SELECT * devices", "expected FROM at position 10, found 'devices'"],
    ["SELECT * FROM modules", "expected 'devices' at position 15, found 'modules'"],
    ["SELECT * FROM devices tags.site = 'a'", "expected WHERE at position 23, found 'tags.site'"],
  ])('%s', (query, expected) => {
    expect(() => parseTwinQuery(query)).toThrow(InvalidTargetQueryError);
    expect(() => parseTwinQuery(query)).toThrow(expected);
  });
});
