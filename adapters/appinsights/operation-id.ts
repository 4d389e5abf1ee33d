/**
 * The operation a rollout's telemetry is correlated under. Application Insights takes the operation id from the
 * W3C trace id (32 hex digits), so it is derived from the rollout id: the first 32 hex digits of SHA-256(rolloutId).
 * Anyone can compute it (`operation_Id` in Azure Monitor queries); every event also carries `rolloutId` itself.
 */
import { createHash } from 'node:crypto';

const digest = (rolloutId: string): string => createHash('sha256').update(rolloutId, 'utf8').digest('hex');

/** The rollout's operation id (`operation_Id`). */
export function operationIdOf(rolloutId: string): string {
  return digest(rolloutId).slice(0, 32);
}

/** The id of the rollout's operation root (`operation_ParentId` of its top-level telemetry). */
export function operationParentIdOf(rolloutId: string): string {
  return digest(rolloutId).slice(32, 48);
}
