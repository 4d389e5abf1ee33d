/** Test doubles of the store ports, for unit tests of activities (integration tests use Cosmos). */
import type { BatchRecord, RolloutRecord } from '../../domain/rollouts/rollout-record';
import { NotFoundError, RolloutExistsError, type RolloutStore, type UpdateStore } from '../../domain/rollouts/rollout-store-port';
import { updateKey, type Update, type UpdateId } from '../../domain/updates/update';

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export class InMemoryUpdateStore implements UpdateStore {
  readonly items = new Map<string, Update>();
  async put(update: Update) {
    if (this.items.has(updateKey(update.updateId))) return 'exists' as const;
    this.items.set(updateKey(update.updateId), copy(update));
    return 'created' as const;
  }
  async get(id: UpdateId) {
    const found = this.items.get(updateKey(id));
    return found && copy(found);
  }
  async list() {
    return [...this.items.values()].map(copy);
  }
}

export class InMemoryRolloutStore implements RolloutStore {
  readonly rollouts = new Map<string, RolloutRecord>();
  readonly batches = new Map<string, BatchRecord>();
  batchWrites = 0;
  async create(rollout: RolloutRecord) {
    if (this.rollouts.has(rollout.id)) throw new RolloutExistsError(rollout.id);
    this.rollouts.set(rollout.id, copy(rollout));
  }
  async get(id: string) {
    const found = this.rollouts.get(id);
    return found && copy(found);
  }
  async list() {
    return [...this.rollouts.values()].map(copy);
  }
  /** Offsets as tokens: enough for a unit test. */
  async listPage(filter: { status?: string }, page: { limit: number; continuationToken?: string }) {
    const all = [...this.rollouts.values()].filter((r) => filter.status === undefined || r.status === filter.status)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    const start = Number(page.continuationToken ?? 0);
    const end = start + page.limit;
    return { items: all.slice(start, end).map(copy), ...(end < all.length ? { continuationToken: String(end) } : {}) };
  }
  async findCreatedBy(createdBy: string, updateId: { provider: string; name: string; version: string }) {
    return [...this.rollouts.values()].find((r) => r.createdBy === createdBy && JSON.stringify(r.spec.updateId) === JSON.stringify(updateId))?.id;
  }
  async update(id: string, change: (r: RolloutRecord) => RolloutRecord) {
    const current = this.rollouts.get(id);
    if (!current) throw new NotFoundError(id);
    const next = change(copy(current));
    this.rollouts.set(id, copy(next));
    return copy(next);
  }
  async putBatches(batches: BatchRecord[]) {
    for (const b of batches) if (!this.batches.has(b.id)) this.batches.set(b.id, copy(b));
  }
  async getBatch(_rolloutId: string, id: string) {
    const found = this.batches.get(id);
    return found && copy(found);
  }
  async updateBatch(_rolloutId: string, id: string, change: (b: BatchRecord) => BatchRecord) {
    const current = this.batches.get(id);
    if (!current) throw new NotFoundError(id);
    this.batchWrites++;
    const next = change(copy(current));
    this.batches.set(id, copy(next));
    return copy(next);
  }
  async listBatches(rolloutId: string, wave?: number) {
    return [...this.batches.values()].filter((b) => b.rolloutId === rolloutId && (wave === undefined || b.wave === wave)).map(copy);
  }
}
