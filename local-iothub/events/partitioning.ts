/**
 * Which partition of the built-in endpoint a device's messages go to: a stable hash of the device id, as IoT Hub
 * does, so one device's messages stay in order on one partition, on every run.
 */
import { spreadHash32 } from '../../common/stable-hash';

export function partitionOf(deviceId: string, partitionCount: number): number {
  return spreadHash32(deviceId) % partitionCount;
}
