/** Port: where updates, rollouts and batches are kept (Cosmos DB; writes idempotent and guarded by etags). */
import type { Update, UpdateId } from '../updates/update';
import type { BatchRecord, RolloutRecord } from './rollout-record';
import type { RolloutStatus } from './rollout-status';
import type { RolloutSpec } from './rollout-spec';

/** A list row: the record without its spec (a target may hold 10,000 ids), bar the update it installs. */
export type RolloutSummary = Omit<RolloutRecord, 'spec'> & { spec: Pick<RolloutSpec, 'updateId'> };

/** One page of a list; `continuationToken` (opaque) asks for the next, absent on the last page. */
export interface Page<T> {
  items: T[];
  continuationToken?: string;
}

export interface PageRequest {
  limit: number;
  continuationToken?: string;
}

export interface UpdateStore {
  /** 'created', or 'exists' when an update with the same id is stored already (then nothing changes). */
  put(update: Update): Promise<'created' | 'exists'>;
  get(id: UpdateId): Promise<Update | undefined>;
  list(filter?: { provider?: string; name?: string }): Promise<Update[]>;
  /** One page, in registration order. */
  listPage(filter: { provider?: string; name?: string }, page: PageRequest): Promise<Page<Update>>;
}

export interface RolloutStore {
  /** Throws RolloutExistsError when the id is taken. */
  create(rollout: RolloutRecord): Promise<void>;
  get(id: string): Promise<RolloutRecord | undefined>;
  /** Whole records of every rollout: for reports only, never per API request. */
  list(filter?: { status?: RolloutStatus }): Promise<RolloutRecord[]>;
  /** Oldest first, one page of summaries. Throws InvalidContinuationTokenError for a token it did not issue. */
  listPage(filter: { status?: RolloutStatus }, page: PageRequest): Promise<Page<RolloutSummary>>;
  /** The id of a rollout `createdBy` made of `updateId`, if any. */
  findCreatedBy(createdBy: string, updateId: UpdateId): Promise<string | undefined>;
  /**
   * Read-modify-write guarded by the etag: on a concurrent change it reads again and calls `change` again, so
   * `change` must be pure: it derives the record it returns from its argument alone and changes nothing else
   * (no pushes to outer arrays, no counters). Side results (what to audit, what to count) are computed after the
   * write, from the record read before it and the record returned. Throws NotFoundError.
   */
  update(id: string, change: (current: RolloutRecord) => RolloutRecord): Promise<RolloutRecord>;
  /** Creates each batch unless it exists (idempotent: planning twice keeps the first plan). */
  putBatches(batches: BatchRecord[]): Promise<void>;
  getBatch(rolloutId: string, batchId: string): Promise<BatchRecord | undefined>;
  /** Read-modify-write of one batch, as `update`: `change` may run more than once and must be pure. */
  updateBatch(rolloutId: string, batchId: string, change: (current: BatchRecord) => BatchRecord): Promise<BatchRecord>;
  listBatches(rolloutId: string, wave?: number): Promise<BatchRecord[]>;
}

export class RolloutExistsError extends Error {
  override name = 'RolloutExistsError';
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

export class InvalidContinuationTokenError extends Error {
  override name = 'InvalidContinuationTokenError';
}
