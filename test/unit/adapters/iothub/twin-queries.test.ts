import { desiredCommandIs, deviceIdIn, idConditions, isQuotable, literal, maxQueryBytes } from '../../../../adapters/iothub/twin-queries';

describe('twin query text', () => {
  it('writes IN lists and command conditions', () => {
    expect(deviceIdIn(['a', 'b-1'])).toBe("deviceId IN ['a', 'b-1']");
    expect(desiredCommandIs('r-42:w1:b3:install')).toBe("properties.desired.ota.command.id = 'r-42:w1:b3:install'");
  });

  it('refuses to quote a value holding a quote (the language has no escape for it)', () => {
    expect(isQuotable("o'neil")).toBe(false);
    expect(() => literal("o'neil")).toThrow("cannot be written as a twin query string");
  });

  it.each<[string, string[], number, number[]]>([
    ['splits by count', Array.from({ length: 10 }, (_, i) => `d-${i}`), 4, [4, 4, 2]],
    ['splits long ids by the hub\'s 8 KB query limit', Array.from({ length: 200 }, (_, i) => `${'x'.repeat(120)}-${i}`), 1000, [64, 63, 63, 10]],
    ['keeps nothing for no ids', [], 10, []],
  ])('%s', (_, ids, maxIds, sizes) => {
    const statement = (condition: string) => `SELECT deviceId, properties.reported.ota FROM devices WHERE ${condition}`;
    const conditions = idConditions(ids, maxIds, statement);
    expect(conditions.map((c) => c.deviceIds.length)).toEqual(sizes);
    expect(conditions.flatMap((c) => c.deviceIds)).toEqual(ids);
    for (const { condition } of conditions) expect(Buffer.byteLength(statement(condition))).toBeLessThanOrEqual(maxQueryBytes);
  });
});
