import { compileCondition } from '../../../../local-iothub/query';
import { jobs, twins } from './twins';

function matching(condition: string): string[] {
  const matches = compileCondition(condition);
  return twins.filter(matches).map((twin) => twin.deviceId as string);
}

const all = ['a-0', 'a-1', 'b-0', 'c-0', 'x-0'];
const tagged = ['a-0', 'a-1', 'b-0', 'c-0'];

describe('compileCondition: comparisons', () => {
  it.each<[string, string[]]>([
    ["tags.site = 'plant-a'", ['a-0', 'a-1']],
    ['tags.site = "plant-a"', ['a-0', 'a-1']],
    ["tags.site != 'plant-a'", ['b-0', 'c-0']],
    ["tags.site <> 'plant-a'", ['b-0', 'c-0']],
    ["tags.site > 'plant-a'", ['b-0', 'c-0']],
    ["tags.site < 'plant-b'", ['a-0', 'a-1']],
    ["tags.site >= 'plant-b'", ['b-0', 'c-0']],
    ["tags.site <= 'plant-b'", ['a-0', 'a-1', 'b-0']],
    ['tags.rack = 2', ['a-1']],
    ['tags.rack = 2.0', ['a-1']],
    ['tags.rack > 1', ['a-1', 'b-0']],
    ['tags.rack >= 2', ['a-1', 'b-0']],
    ['tags.rack < 2', ['a-0']],
    ['tags.rack <= 2', ['a-0', 'a-1']],
    ['tags.rack > -1.5e1', ['a-0', 'a-1', 'b-0']],
    ['tags.rack=2', ['a-1']],
    ['tags.canary = true', ['b-0']],
    ['tags.canary = TRUE', ['b-0']],
    ['tags.canary = false', ['c-0']],
    ['tags.canary != true', ['c-0']],
    ['tags.canary > false', ['b-0']],
    ['tags.note = null', ['c-0']],
    ['tags.note != null', []],
    ['tags.note > null', []],
    ['tags.site != null', tagged],
    ["tags.label = 'it''s'", ['c-0']],
    ['tags.label = "it\'s"', ['c-0']],
    // Equality across types is false; ordering across types is undefined.
    ['tags.site = 5', []],
    ['tags.site != 5', tagged],
    ['tags.site > 5', []],
    ['NOT tags.site > 5', []],
    ["tags.rack = '1'", []],
    ["properties.reported.ota = 'x'", []],
    ["properties.reported.ota != 'x'", tagged],
    // Values and field names are case-sensitive.
    ["tags.site = 'Plant-A'", []],
    ["Tags.site = 'plant-a'", []],
    ["deviceId = 'x-0'", ['x-0']],
    ["status = 'disabled'", ['b-0']],
    ["connectionState = 'Connected'", ['x-0']],
    ["etag = 'AAAA'", all],
    ['version = 4', all],
    ["lastActivityTime < '2026-06-01'", all],
    ['properties.reported.$version = 5', all],
    ['properties.desired.$version < 4', all],
    ["properties.reported.ota.state = 'succeeded'", ['a-0', 'b-0']],
    ["properties.reported.ota.installedVersion != '2.0.0'", ['a-1']],
    ["properties.desired.ota.command.id = 'r1:w0:b0:install'", ['a-0', 'b-0']],
    // Field against field; objects compare by value.
    ['properties.desired.ota.command.id = properties.desired.ota.command.id', ['a-0', 'a-1', 'b-0']],
    ['properties.reported.ota = properties.reported.ota', tagged],
    ['properties.reported = properties.desired', []],
    ['tags.site = tags.model', []],
    ['tags.site > tags.model', tagged],
    ['tags.site > tags.rack', []],
    // Names of Object.prototype members never read the prototype.
    ["tags.constructor = 'x'", []],
    ['IS_DEFINED(tags.constructor)', []],
    ['IS_DEFINED(tags.__proto__)', []],
    ['IS_DEFINED(toString)', []],
    ['IS_DEFINED(tags.site.length)', []],
  ])('%s', (condition, expected) => {
    expect(matching(condition)).toEqual(expected);
  });
});

describe('compileCondition: IN, NIN and logic', () => {
  it.each<[string, string[]]>([
    ["tags.site IN ['plant-a', 'plant-c']", ['a-0', 'a-1', 'c-0']],
    ["tags.site in ['plant-a', 'plant-c']", ['a-0', 'a-1', 'c-0']],
    ["tags.site NIN ['plant-a', 'plant-c']", ['b-0']],
    ['tags.rack IN [1, 3]', ['a-0', 'b-0']],
    ["tags.rack IN ['1']", []],
    ['tags.canary IN [true]', ['b-0']],
    ['tags.note IN [null]', ['c-0']],
    ['tags.site IN []', []],
    ['tags.site NIN []', tagged],
    ["deviceId IN ['a-0', 'c-0', 'nope']", ['a-0', 'c-0']],
    ["NOT tags.site IN ['plant-a', 'plant-c']", ['b-0']],
    ["tags.site = 'plant-a' AND tags.model = 'ctl-a'", ['a-0']],
    ["tags.site = 'plant-b' OR tags.model = 'ctl-b'", ['a-1', 'b-0', 'c-0']],
    ["tags.site = 'plant-a' and (tags.model = 'ctl-b' or deviceId = 'a-0')", ['a-0', 'a-1']],
    ["tags.site = 'plant-b' OR tags.site = 'plant-c' AND tags.model = 'ctl-a'", ['b-0']], // AND binds tighter
    ["(tags.site = 'plant-b' OR tags.site = 'plant-c') AND tags.model = 'ctl-b'", ['c-0']],
    ["NOT (tags.model = 'ctl-a')", ['a-1', 'c-0']],
    ["NOT NOT tags.model = 'ctl-a'", ['a-0', 'b-0']],
    ["not tags.model = 'ctl-a'", ['a-1', 'c-0']],
  ])('%s', (condition, expected) => {
    expect(matching(condition)).toEqual(expected);
  });
});

describe('compileCondition: a missing field makes a test undefined, and only true selects', () => {
  it.each<[string, string[]]>([
    ["tags.ring = 'canary'", ['c-0']],
    ["NOT tags.ring = 'canary'", []],
    ["tags.ring != 'canary'", []],
    ["NOT tags.ring != 'canary'", ['c-0']],
    ["tags.ring NIN ['x']", ['c-0']],
    ["NOT tags.ring IN ['x']", ['c-0']],
    ['tags.rack > 0 OR NOT tags.rack > 0', ['a-0', 'a-1', 'b-0']],
    ["tags.ring = 'canary' OR deviceId = 'x-0'", ['c-0', 'x-0']],
    // undefined OR true is true; undefined OR false stays undefined, and NOT keeps it undefined.
    ["tags.ring = 'x' OR tags.site = 'plant-a'", ['a-0', 'a-1']],
    ["NOT (tags.ring = 'x' OR tags.site = 'plant-a')", ['c-0']],
    // undefined AND false is false, so its negation selects.
    ["NOT (tags.ring = 'x' AND tags.site = 'plant-a')", ['b-0', 'c-0']],
    ["properties.reported.ota.installedVersion = '1.0.0' OR NOT properties.reported.ota.installedVersion = '1.0.0'", ['a-0', 'a-1', 'b-0']],
  ])('%s', (condition, expected) => {
    expect(matching(condition)).toEqual(expected);
  });
});

describe('compileCondition: functions', () => {
  it.each<[string, string[]]>([
    ['IS_DEFINED(tags.ring)', ['c-0']],
    ['is_defined(tags.ring)', ['c-0']],
    ['NOT IS_DEFINED(tags.ring)', ['a-0', 'a-1', 'b-0', 'x-0']], // functions are never undefined
    ['IS_DEFINED(properties.desired.ota.command)', ['a-0', 'a-1', 'b-0']],
    ['IS_NULL(tags.note)', ['c-0']],
    ['IS_NULL(tags.missing)', []],
    ['NOT IS_NULL(tags.note)', ['a-0', 'a-1', 'b-0', 'x-0']],
    ['IS_STRING(tags.site)', tagged],
    ['IS_STRING(tags.rack)', []],
    ['IS_NUMBER(tags.rack)', ['a-0', 'a-1', 'b-0']],
    ['IS_BOOL(tags.canary)', ['b-0', 'c-0']],
    ['IS_OBJECT(properties.reported.ota)', tagged],
    ['IS_OBJECT(tags.site)', []],
    ['IS_ARRAY(tags)', []],
    ['IS_PRIMITIVE(tags.note)', ['c-0']],
    ['IS_PRIMITIVE(tags)', []],
    ["STARTSWITH(deviceId, 'a-')", ['a-0', 'a-1']],
    ["STARTS_WITH(deviceId, 'a-')", ['a-0', 'a-1']],
    ["ENDSWITH(deviceId, '-0')", ['a-0', 'b-0', 'c-0', 'x-0']],
    ["ENDS_WITH(tags.site, '-b')", ['b-0']],
    ["CONTAINS(tags.site, 'ant-b')", ['b-0']],
    ["CONTAINS(properties.desired.ota.command.id, ':b1:')", ['a-1']],
    ['CONTAINS(deviceId, "")', all],
    // Not a string: undefined, so the negation selects nothing either.
    ["STARTSWITH(tags.rack, '1')", []],
    ["NOT STARTSWITH(tags.rack, '1')", []],
    ["NOT STARTSWITH(tags.site, 'plant-a')", ['b-0', 'c-0']],
  ])('%s', (condition, expected) => {
    expect(matching(condition)).toEqual(expected);
  });
});

describe('compileCondition over job rows', () => {
  it('tests job fields', () => {
    const matches = compileCondition("status = 'completed' AND jobType = 'scheduleUpdateTwin'");
    expect(jobs.filter(matches).map((job) => job.deviceId)).toEqual(['a-0']);
    expect(jobs.filter(compileCondition('IS_DEFINED(outcome)')).map((job) => job.deviceId)).toEqual(['a-0']);
  });
});
