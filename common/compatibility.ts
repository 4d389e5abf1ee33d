/**
 * Which devices an update is for. The service refuses incompatible devices when a rollout is created and skips them
 * when it plans waves; a device refuses a signed manifest that is not for it. Both must read a compatibility list
 * the same way, or a device would refuse what the service sent it.
 */

/** A device is compatible when all properties of at least one compatibility set (e.g. `{ model: 'ctl-a' }`) equal its own. */
export function isCompatible(deviceProperties: Readonly<Record<string, string | undefined>>, compatibility: readonly Readonly<Record<string, string>>[]): boolean {
  return compatibility.some((set) => Object.entries(set).every(([key, value]) => deviceProperties[key] === value));
}
