/** Twin and job documents shaped like IoT Hub's REST answers, for the query tests. */
import type { JsonObject } from '../../../../local-iothub/hub-state';

function twin(deviceId: string, tags: JsonObject, reported: JsonObject, desired: JsonObject = {}, extra: JsonObject = {}): JsonObject {
  return {
    deviceId, etag: 'AAAA', version: 4, status: 'enabled', connectionState: 'Disconnected', lastActivityTime: '2026-01-01T00:00:00Z',
    tags,
    properties: { desired: { ...desired, $version: 3 }, reported: { ...reported, $version: 5 } },
    ...extra,
  };
}

export const twins: JsonObject[] = [
  twin('a-0', { site: 'plant-a', model: 'ctl-a', rack: 1 }, { ota: { state: 'succeeded', installedVersion: '2.0.0' } },
    { ota: { command: { id: 'r1:w0:b0:install', rolloutId: 'r1' } } }),
  twin('a-1', { site: 'plant-a', model: 'ctl-b', rack: 2 }, { ota: { state: 'installing', installedVersion: '1.0.0' } },
    { ota: { command: { id: 'r1:w0:b1:install', rolloutId: 'r1' } } }),
  twin('b-0', { site: 'plant-b', model: 'ctl-a', rack: 3, canary: true }, { ota: { state: 'succeeded', installedVersion: '2.0.0' } },
    { ota: { command: { id: 'r1:w0:b0:install', rolloutId: 'r1' } } }, { status: 'disabled' }),
  twin('c-0', { site: 'plant-c', model: 'ctl-b', ring: 'canary', canary: false, note: null, label: "it's" }, { ota: { state: 'failed' } }),
  twin('x-0', {}, {}, {}, { connectionState: 'Connected' }),
];

export const jobs: JsonObject[] = [
  { deviceId: 'a-0', jobId: 'j1', jobType: 'scheduleUpdateTwin', status: 'completed', startTimeUtc: '2026-01-01T00:00:00Z', outcome: {} },
  { deviceId: 'a-1', jobId: 'j1', jobType: 'scheduleUpdateTwin', status: 'failed', startTimeUtc: '2026-01-01T00:00:00Z' },
  { deviceId: 'b-0', jobId: 'j2', jobType: 'scheduleDeviceMethod', status: 'completed', startTimeUtc: '2026-01-02T00:00:00Z' },
];
