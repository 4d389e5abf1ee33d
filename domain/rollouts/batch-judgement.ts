/**
 * Storing a judgement of a batch's devices, and telling afterwards which devices that write moved. The store may
 * run the change again on a newer batch (etag conflict), so the change is pure and what a write moved is read off
 * the batch as read and as saved, never collected inside the change.
 */
import type { BatchDevice, BatchRecord } from './rollout-record';
import type { DeviceRolloutState } from './rollout-status';

/** The states that count against a wave: the device failed to install, or installed and then turned bad. */
export const isFailure = (state: DeviceRolloutState): boolean => state === 'failed' || state === 'unhealthy' || state === 'silent';

/** The batch with each device in the state `judge` gives it, stamped `at` where that changed. */
export function judgedBatch(batch: BatchRecord, judge: (device: BatchDevice) => DeviceRolloutState, at: string): BatchRecord {
  return {
    ...batch,
    devices: batch.devices.map((d) => {
      const state = judge(d);
      return state === d.state ? d : { ...d, state, updatedAt: at };
    }),
  };
}

/**
 * The devices a judgement written at `at` moved: in another state than in the batch as read before the write, and
 * stamped `at`. A rival writer that moved a device first stamped its own time: the device is its, never both's.
 */
export function movedBy(read: BatchRecord, saved: BatchRecord, at: string): BatchDevice[] {
  const stateWhenRead = new Map(read.devices.map((d) => [d.deviceId, d.state]));
  return saved.devices.filter((d) => d.updatedAt === at && d.state !== stateWhenRead.get(d.deviceId));
}
