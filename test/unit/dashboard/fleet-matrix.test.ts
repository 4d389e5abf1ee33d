import { fleetMatrix } from '../../../dashboard/web/model/fleet-matrix';

const group = (site: string | null, model: string | null, version: string, devices: number) => ({ site, model, version, devices });

describe('fleetMatrix', () => {
  it('counts devices per version for each site and model from the groups, versions newest first, untagged devices last', () => {
    const matrix = fleetMatrix({
      deviceCount: 5_005,
      groups: [
        group('plant-b', 'ctl-b', '1.0.0', 1),
        group('plant-a', 'ctl-a', '1.0.0', 3_000),
        group('plant-a', 'ctl-a', '2.0.0', 2_000),
        group(null, 'ctl-a', '1.10.0', 1),
        group('plant-a', 'ctl-b', '2.0.0', 3),
      ],
    });
    expect(matrix.deviceCount).toBe(5_005);
    expect(matrix.versions).toEqual(['2.0.0', '1.10.0', '1.0.0']);
    expect(matrix.rows).toEqual([
      { site: 'plant-a', model: 'ctl-a', devices: 5_000, byVersion: { '1.0.0': 3_000, '2.0.0': 2_000 } },
      { site: 'plant-a', model: 'ctl-b', devices: 3, byVersion: { '2.0.0': 3 } },
      { site: 'plant-b', model: 'ctl-b', devices: 1, byVersion: { '1.0.0': 1 } },
      { site: null, model: 'ctl-a', devices: 1, byVersion: { '1.10.0': 1 } },
    ]);
  });

  it('is empty for an empty fleet', () => {
    expect(fleetMatrix({ deviceCount: 0, groups: [] })).toEqual({ deviceCount: 0, versions: [], rows: [] });
  });
});
