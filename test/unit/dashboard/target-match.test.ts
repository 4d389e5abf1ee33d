import { idsMatch, queryMatch, simpleQuery } from '../../../dashboard/web/model/target-match';

const device = (deviceId: string, site: string | null, model: string | null, installedVersion = '1.0.0') => ({ deviceId, site, model, installedVersion, software: {} });
const devices = [device('a-1', 'plant-a', 'ctl-a'), device('a-2', 'plant-a', 'ctl-b'), device('b-1', 'plant-b', 'ctl-a', '2.0.0'), device('x', null, null)];
const groups = devices.map((d) => ({ site: d.site, model: d.model, version: d.installedVersion, devices: 1 }));
const fleet = { groups, devices, deviceList: { limit: 1000, listed: 4, capped: false, all: '/api/devices' } };

describe('how many devices a target reaches, counted from the inventory', () => {
  it('counts a query of site, model and installed version joined by AND', () => {
    expect(queryMatch("tags.site = 'plant-a'", fleet)).toEqual({ kind: 'counted', devices: 2 });
    expect(queryMatch("tags.site='plant-a' and tags.model = 'ctl-b'", fleet)).toEqual({ kind: 'counted', devices: 1 });
    expect(queryMatch("tags.model = 'ctl-a' AND properties.reported.ota.installedVersion = '2.0.0'", fleet)).toEqual({ kind: 'counted', devices: 1 });
    expect(queryMatch("tags.site = 'plant-z'", fleet)).toEqual({ kind: 'counted', devices: 0 });
  });

  it('leaves any other query to the service', () => {
    for (const query of ["tags.site = 'plant-a' OR tags.site = 'plant-b'", "tags.site IN ['plant-a']", "tags.line = '3'", '', "tags.site = 'a' AND"]) {
      expect(simpleQuery(query)).toBeUndefined();
      expect(queryMatch(query, fleet)).toEqual({ kind: 'not-counted' });
    }
  });

  it('counts listed device ids once each and how many the fleet knows', () => {
    expect(idsMatch(['a-1', 'a-1', 'nope', 'b-1'], fleet)).toEqual({ kind: 'ids', listed: 3, known: 2 });
  });

  it('counts a query over a fleet larger than the inventory lists, from its groups', () => {
    const large = { ...fleet, groups: [{ site: 'plant-a', model: 'ctl-a', version: '1.0.0', devices: 40_000 }, { site: 'plant-a', model: 'ctl-b', version: '1.0.0', devices: 7 }] };
    expect(queryMatch("tags.site = 'plant-a'", large)).toEqual({ kind: 'counted', devices: 40_007 });
  });

  it('does not claim how many listed ids exist when the inventory stopped listing devices at its limit', () => {
    const capped = { ...fleet, deviceList: { ...fleet.deviceList, capped: true } };
    expect(idsMatch(['a-1', 'zz-9'], capped)).toEqual({ kind: 'ids', listed: 2, known: undefined });
  });
});
