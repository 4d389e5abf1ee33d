/**
 * The Cosmos DB containers the app uses and how their documents are keyed: the one place for names and
 * partition keys (provisioned by scripts/provision-local.ts and infra/modules/cosmos.bicep, which must match).
 */
import { createHash } from 'node:crypto';
import type { UpdateId } from '../../domain/updates/update';

export interface ContainerDefinition {
  id: string;
  partitionKeyPath: string;
}

export const containers = {
  /** One partition per update name: all versions of `${provider}/${name}` together. */
  updates: { id: 'updates', partitionKeyPath: '/pk' },
  /** One partition per rollout; the read-modify-write of a rollout stays in one partition. */
  rollouts: { id: 'rollouts', partitionKeyPath: '/id' },
  /** A rollout's batches share its partition, so listing them is a single-partition query. */
  batches: { id: 'batches', partitionKeyPath: '/rolloutId' },
  /** Import rules, one document each. */
  importRules: { id: 'importRules', partitionKeyPath: '/id' },
  /** One document per Event Grid event: what became of it (idempotency and the recorded reason). */
  imports: { id: 'imports', partitionKeyPath: '/id' },
  /** Release counters, one document per update name, incremented under an etag. */
  counters: { id: 'counters', partitionKeyPath: '/id' },
  /** The audit trail: entries partitioned by subject (`pk`), plus one head document (adapters/cosmos/audit-log.ts). */
  audit: { id: 'audit', partitionKeyPath: '/pk' },
  /** One document per used approval link (id = link id); its creation is what makes a link single-use. */
  approvalLinks: { id: 'approvalLinks', partitionKeyPath: '/id' },
  /** Each device's latest health message (id = device id) and the telemetry pipeline's progress per partition. */
  deviceHealth: { id: 'deviceHealth', partitionKeyPath: '/id' },
  /** Device-to-cloud messages that were not valid health messages, with the reason (one document per message). */
  rejectedMessages: { id: 'rejectedMessages', partitionKeyPath: '/id' },
} as const satisfies Record<string, ContainerDefinition>;

export function updatePartitionKey(id: Pick<UpdateId, 'provider' | 'name'>): string {
  return `${id.provider}/${id.name}`;
}

/** The update's document id: its version, escaped (versions are free text; ids must stay Cosmos-safe). */
export function updateDocumentId(id: UpdateId): string {
  return escapeId(id.version);
}

/** Cosmos DB refuses ids longer than this. */
const maxIdLength = 255;

/**
 * Cosmos ids must not contain `/`, `\`, `?` or `#`, and '%' is risky in the request path. Every character
 * outside a conservative set (semver's, plus `_` and `:`) becomes `~` and its UTF-8 bytes in hex; `~` itself is
 * escaped too, so the mapping is one-to-one. An escaped id over Cosmos' 255 characters (an Event Grid event id is
 * any string) becomes `~h` and the SHA-256 of the value: never the output of escaping (`~` is followed by hex there).
 */
export function escapeId(value: string): string {
  const escaped = Array.from(value, (char) =>
    /^[A-Za-z0-9._:+-]$/.test(char) ? char : Array.from(Buffer.from(char, 'utf8'), (byte) => `~${byte.toString(16).padStart(2, '0')}`).join(''),
  ).join('');
  return escaped.length <= maxIdLength ? escaped : `~h${createHash('sha256').update(value, 'utf8').digest('hex')}`;
}

/** Ids that are used as given (rollout and batch ids) must already be safe. */
export function isCosmosSafeId(id: string): boolean {
  return id.length > 0 && id.length <= 255 && !/[/\\?#]/.test(id) && id.trim() === id;
}
