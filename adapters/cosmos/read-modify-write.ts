/**
 * Optimistic concurrency for Cosmos DB documents: read, apply `change`, replace only if nobody changed the
 * document since (IfMatch etag). On a lost race (412) it starts over from a fresh read, so `change` may run more
 * than once and must be pure.
 */
import type { Item } from '@azure/cosmos';
import { NotFoundError } from '../../domain/rollouts/rollout-store-port';
import { cosmosStatus, withoutSystemProperties } from './documents';

export async function readModifyWrite<T extends { id: string }>(
  item: Item,
  what: string,
  change: (current: T) => T,
  keepsKey: (next: T) => boolean,
  maxAttempts = 10,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const { resource } = await item.read<T>();
    if (!resource) throw new NotFoundError(`${what} not found`);
    const next = change(withoutSystemProperties(resource));
    if (!keepsKey(next)) throw new Error(`${what}: a change must not alter the id or the partition key`);
    try {
      const { resource: saved } = await item.replace<T>(next, { accessCondition: { type: 'IfMatch', condition: resource._etag } });
      if (!saved) throw new Error(`${what}: replace returned no document`);
      return withoutSystemProperties(saved);
    } catch (err) {
      const status = cosmosStatus(err);
      if (status === 404) throw new NotFoundError(`${what} not found`);
      if (status !== 412) throw err;
      if (attempt >= maxAttempts) throw new Error(`${what} kept changing concurrently; gave up after ${attempt} attempts`);
      // Jittered, growing pause, so racing writers do not collide again in lockstep.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}
