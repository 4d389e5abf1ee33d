/**
 * What a simulated device made of a signed package before installing it. Journaled with the accepted command, so
 * a restarted fleet replays the verdict instead of downloading and verifying again.
 */
import type { DeviceDetails } from '../../domain/fleet/device';
import type { Refusal } from '../../device-agent/verify-update';

export type Delivery = NonNullable<DeviceDetails['lastDelivery']>;

/** The release a device verified: its counter becomes the device's own once the install succeeds. */
export interface VerifiedRelease {
  updateName: string;
  releaseCounter: number;
}

export interface PackageVerdict {
  delivery: Delivery;
  /** `refused (<code>): <reason>`: the install fails at once with this error. */
  refused?: string;
  release?: VerifiedRelease;
}

/** A refused package counts as nothing delivered, whatever was downloaded before the device noticed. */
export function refusedVerdict(refusal: Refusal): PackageVerdict {
  const detail = `refused (${refusal.code}): ${refusal.reason}`;
  return { delivery: { kind: 'refused', bytes: 0, detail }, refused: detail };
}
