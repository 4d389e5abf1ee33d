/**
 * Dispatch by per-device twin patches: `updateTwin(id, {properties: {desired}}, '*')`, a bounded number in flight,
 * each paced by the twin-update quota. Unconditional (`*`): the command id, not the etag, makes a re-send harmless.
 */
import type { Registry } from 'azure-iothub';
import type { HubCaller } from './hub-caller';
import { isDeviceNotFound } from './hub-errors';
import { runPool } from './run-pool';

export interface DevicePatch {
  deviceId: string;
  desired: Record<string, unknown>;
}

/** Returns how many devices got the patch; devices the hub does not know are skipped. */
export async function dispatchPatches(patches: readonly DevicePatch[], deps: { caller: HubCaller; registry: Registry; concurrency: number }): Promise<{ sent: number }> {
  let sent = 0;
  await runPool(patches, deps.concurrency, async ({ deviceId, desired }) => {
    try {
      await deps.caller.call('twinUpdate', () => deps.registry.updateTwin(deviceId, { properties: { desired } }, '*'));
      sent++;
    } catch (err) {
      if (!isDeviceNotFound(err)) throw err;
    }
  });
  return { sent };
}
