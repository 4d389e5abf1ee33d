import { toDetails, toReport, toSummary } from '../../../../adapters/iothub/twin-mapping';

const reported = {
  commandId: 'r-42:w1:b3:install',
  state: 'failed',
  installedVersion: '1.0.0',
  software: { 'line-controller': '1.0.0', bootloader: '1.4.0' },
  healthy: true,
  error: { code: 'signature-invalid', message: 'the manifest signature does not verify' },
  delivery: { kind: 'refused', bytes: 0 },
  at: '2026-11-30T10:15:00.000Z',
};
const twin = {
  deviceId: 'plc-7',
  etag: 'AAAA',
  tags: { site: 'plant-a', model: 'ctl-a', line: 3, maintenance: { window: 'night' } },
  properties: {
    desired: { ota: { command: { id: 'r-42:w1:b3:install', kind: 'install', rolloutId: 'r-42', update: { provider: 'contoso', name: 'line-controller', version: '2.0.0' } } }, $version: 4 },
    reported: { ota: reported, $version: 9 },
  },
};

describe('twins to device views', () => {
  it('a summary keeps string tags, the installed version and the reported software', () => {
    expect(toSummary(twin)).toEqual({
      deviceId: 'plc-7',
      tags: { site: 'plant-a', model: 'ctl-a' },
      installedVersion: '1.0.0',
      software: { 'line-controller': '1.0.0', bootloader: '1.4.0' },
    });
  });

  it('a device that never reported has an empty installed version and no software', () => {
    expect(toSummary({ deviceId: 'new', tags: { site: 'x' }, properties: { desired: {}, reported: {} } })).toEqual({ deviceId: 'new', tags: { site: 'x' }, installedVersion: '' });
  });

  it.each<[string, unknown, unknown]>([
    ['a full twin', twin, { deviceId: 'plc-7', installedVersion: '1.0.0', state: 'failed', healthy: true, lastReportAt: '2026-11-30T10:15:00.000Z', commandId: 'r-42:w1:b3:install', error: 'signature-invalid: the manifest signature does not verify' }],
    ['a projected row (SELECT deviceId, properties.reported.ota)', { deviceId: 'd', ota: { state: 'downloading', installedVersion: '1.0.0', at: 't', commandId: 'c' } }, { deviceId: 'd', installedVersion: '1.0.0', state: 'downloading', healthy: true, lastReportAt: 't', commandId: 'c' }],
    ['a cleared error and an unhealthy verdict', { deviceId: 'd', ota: { state: 'succeeded', installedVersion: '2.0.0', healthy: false, error: null, at: 't' } }, { deviceId: 'd', installedVersion: '2.0.0', state: 'succeeded', healthy: false, lastReportAt: 't' }],
    ['no report yet', { deviceId: 'd', properties: { reported: {} } }, undefined],
    ['a state outside the contract', { deviceId: 'd', ota: { state: 'rebooting' } }, undefined],
  ])('a report from %s', (_, row, expected) => {
    expect(toReport(row)).toEqual(expected);
  });

  it('details add the desired command, the reported one, the error and the last delivery', () => {
    expect(toDetails(twin)).toEqual({
      deviceId: 'plc-7',
      tags: { site: 'plant-a', model: 'ctl-a' },
      installedVersion: '1.0.0',
      software: { 'line-controller': '1.0.0', bootloader: '1.4.0' },
      state: 'failed',
      healthy: true,
      lastReportAt: '2026-11-30T10:15:00.000Z',
      desiredVersion: '2.0.0',
      desiredCommandId: 'r-42:w1:b3:install',
      commandId: 'r-42:w1:b3:install',
      error: 'signature-invalid: the manifest signature does not verify',
      lastDelivery: { kind: 'refused', bytes: 0 },
    });
  });

  it('details of a device without command or report are idle and healthy', () => {
    expect(toDetails({ deviceId: 'new', tags: {}, properties: { desired: {}, reported: {} } })).toEqual({
      deviceId: 'new', tags: {}, installedVersion: '', state: 'idle', healthy: true, lastReportAt: undefined, desiredVersion: undefined,
    });
  });
});
