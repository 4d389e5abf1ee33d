import { fleetMatrix } from '../../../dashboard/web/model/fleet-matrix';

const device = (deviceId: string, site: string | null, model: string | null, installedVersion: string) => ({ deviceId, site, model, installedVersion, software: {} });

describe('fleetMatrix', () => {
  it('counts devices per version for each site and model, versions newest first, untagged devices last', () => {
    const matrix = fleetMatrix({
      devices: [
        device('b-1', 'plant-b', 'ctl-b', '1.0.0'),
        device('a-1', 'plant-a', 'ctl-a', '1.0.0'),
        device('a-2', 'plant-a', 'ctl-a', '2.0.0'),
        device('x-1', null, 'ctl-a', '1.10.0'),
        device('a-3', 'plant-a', 'ctl-b', '2.0.0'),
      ],
    });
    expect(matrix.deviceCount).toBe(5);
    expect(matrix.versions).toEqual(['2.0.0', '1.10.0', '1.0.0']);
    expect(matrix.rows).toEqual([
      { site: 'plant-a', model: 'ctl-a', devices: 2, byVersion: { '1.0.0': 1, '2.0.0': 1 } },
      { site: 'plant-a', model: 'ctl-b', devices: 1, byVersion: { '2.0.0': 1 } },
      { site: 'plant-b', model: 'ctl-b', devices: 1, byVersion: { '1.0.0': 1 } },
      { site: null, model: 'ctl-a', devices: 1, byVersion: { '1.10.0': 1 } },
    ]);
  });

  it('is empty for an empty fleet', () => {
    expect(fleetMatrix({ devices: [] })).toEqual({ deviceCount: 0, versions: [], rows: [] });
  });
});
