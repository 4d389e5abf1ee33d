/** Test doubles of the store ports, for unit tests of activities (integration tests use Cosmos). */
import { pageOf } from './page-of';
import type { PageRequest } from '../../domain/rollouts/rollout-store-port';
import type { BatchRecord, RolloutRecord } from '../../domain/rollouts/rollout-record';
import { NotFoundError, RolloutExistsError, type RolloutStore, type UpdateStore } from '../../domain/rollouts/rollout-store-port';
import { updateKey, type Update, type UpdateId } from '../../domain/updates/update';
import { readModifyWrite, SimulatedConflicts, type RivalChange } from './simulated-conflicts';

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
  async listPage(filter: { provider?: string; name?: string }, page: PageRequest) {
    const matching = [...this.items.values()].filter((u) => (filter.provider === undefined || u.updateId.provider === filter.provider) && (filter.name === undefined || u.updateId.name === filter.name));
    return pageOf(matching.map(copy), page);
  }
}

/** Lost races to simulate: see simulateConflicts. */
export interface ConflictSimulation {
  /** Each record's next `conflicts` writes lose a race, so every change runs `conflicts + 1` times. */
  conflicts: number;
  /** The winning writer's change to a rollout (default: it writes the rollout back unchanged). */
  rivalRollout?: RivalChange<RolloutRecord>;
  /** The winning writer's change to a batch (default: it writes the batch back unchanged). */
  rivalBatch?: RivalChange<BatchRecord>;
}

const unchanged = <T>(current: T): T => current;

export class InMemoryRolloutStore implements RolloutStore {
  readonly rollouts = new Map<string, RolloutRecord>();
  readonly batches = new Map<string, BatchRecord>();
  /** Calls of updateBatch (a call whose writes lost races counts once). */
  batchWrites = 0;
  private readonly conflicts = new SimulatedConflicts();
  private rivalRollout: RivalChange<RolloutRecord> = unchanged;
  private rivalBatch: RivalChange<BatchRecord> = unchanged;

  constructor(simulation?: ConflictSimulation) {
    if (simulation) this.simulateConflicts(simulation);
  }

  /**
   * Makes update and updateBatch lose races as the Cosmos adapter does on a 412: another writer's change lands
   * between the read and the write, and the caller's change runs again on the newer record.
   */
  simulateConflicts({ conflicts, rivalRollout = unchanged, rivalBatch = unchanged }: ConflictSimulation): void {
    this.conflicts.arm(conflicts);
    this.rivalRollout = rivalRollout;
    this.rivalBatch = rivalBatch;
  }

  /** Writes that lost a simulated race so far. */
  get racesLost(): number {
    return this.conflicts.racesLost;
  }

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
    return readModifyWrite({
      records: this.rollouts, key: id, what: `rollout ${id}`, change, keepsKey: (next) => next.id === id, conflicts: this.conflicts, rival: this.rivalRollout,
    });
  }
  async putBatches(batches: BatchRecord[]) {
    for (const b of batches) if (!this.batches.has(b.id)) this.batches.set(b.id, copy(b));
  }
  async getBatch(_rolloutId: string, id: string) {
    const found = this.batches.get(id);
    return found && copy(found);
  }
  async updateBatch(rolloutId: string, id: string, change: (b: BatchRecord) => BatchRecord) {
    const what = `batch ${id} of rollout ${rolloutId}`;
    if (this.batches.get(id)?.rolloutId !== rolloutId) throw new NotFoundError(`${what} not found`);
    this.batchWrites++;
    return readModifyWrite({
      records: this.batches, key: id, what, change, keepsKey: (next) => next.id === id && next.rolloutId === rolloutId, conflicts: this.conflicts, rival: this.rivalBatch,
    });
  }
  async listBatches(rolloutId: string, wave?: number) {
    return [...this.batches.values()].filter((b) => b.rolloutId === rolloutId && (wave === undefined || b.wave === wave)).map(copy);
  }
}
