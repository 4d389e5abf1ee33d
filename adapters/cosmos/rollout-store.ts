/**
 * RolloutStore on Cosmos DB: a rollout is one document in its own partition; its batches share a partition
 * keyed by the rollout id. Every change is a read-modify-write guarded by the document's etag.
 */
import type { Container, Database, SqlParameter } from '@azure/cosmos';
import type { BatchRecord, RolloutRecord } from '../../domain/rollouts/rollout-record';
import { NotFoundError, RolloutExistsError, type Page, type PageRequest, type RolloutStore, type RolloutSummary } from '../../domain/rollouts/rollout-store-port';
import type { UpdateId } from '../../domain/updates/update';
import type { RolloutStatus } from '../../domain/rollouts/rollout-status';
import { containers, isCosmosSafeId } from './containers';
import { cosmosStatus, withoutSystemProperties } from './documents';
import { queryPage } from './query-page';
import { readModifyWrite } from './read-modify-write';

export interface CosmosRolloutStoreOptions {
  /** Read-modify-write attempts on one document before giving up under contention (default 10). */
  maxAttempts?: number;
}

/** Batch documents written or read at once: enough to overlap round trips, few enough not to be throttled. */
const CONCURRENCY = 8;

export class CosmosRolloutStore implements RolloutStore {
  private readonly rollouts: Container;
  private readonly batches: Container;
  private readonly maxAttempts: number;

  constructor(database: Database, options: CosmosRolloutStoreOptions = {}) {
    this.rollouts = database.container(containers.rollouts.id);
    this.batches = database.container(containers.batches.id);
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 10);
  }

  async create(rollout: RolloutRecord): Promise<void> {
    assertSafeId(rollout.id);
    try {
      await this.rollouts.items.create(rollout);
    } catch (err) {
      if (cosmosStatus(err) === 409) throw new RolloutExistsError(`rollout ${rollout.id} exists`);
      throw err;
    }
  }

  async get(id: string): Promise<RolloutRecord | undefined> {
    // An id no document can have (e.g. from a URL) is simply not found.
    if (!isCosmosSafeId(id)) return undefined;
    const { resource } = await this.rollouts.item(id, id).read<RolloutRecord>();
    return resource && withoutSystemProperties(resource);
  }

  /**
   * Oldest first. Each rollout is its own partition, so this is a cross-partition query. Reads every whole record:
   * no request calls it (the rollout list and the reports read listPage pages).
   */
  async list(filter: { status?: RolloutStatus } = {}): Promise<RolloutRecord[]> {
    const parameters: SqlParameter[] = [];
    let query = 'SELECT * FROM c';
    if (filter.status !== undefined) {
      query += ' WHERE c.status = @status';
      parameters.push({ name: '@status', value: filter.status });
    }
    const { resources } = await this.rollouts.items.query<RolloutRecord>({ query, parameters }).fetchAll();
    return resources
      .map((r) => withoutSystemProperties(r))
      .sort((a, b) => compare(a.createdAt, b.createdAt) || compare(a.id, b.id));
  }

  /**
   * Reads only the page's rows, and of each only what a list shows (no spec: its target may hold 10,000 ids).
   * The token is Cosmos DB's own continuation, base64url-wrapped so it travels in a URL.
   */
  async listPage(filter: { status?: RolloutStatus }, page: PageRequest): Promise<Page<RolloutSummary>> {
    const parameters: SqlParameter[] = [];
    let query = `SELECT ${summaryFields} FROM c`;
    if (filter.status !== undefined) {
      query += ' WHERE c.status = @status';
      parameters.push({ name: '@status', value: filter.status });
    }
    query += ' ORDER BY c.createdAt';
    const rows = await queryPage<SummaryRow>(this.rollouts, { query, parameters }, page);
    return { ...rows, items: rows.items.map(({ updateId, ...row }) => ({ ...withoutSystemProperties(row), spec: { updateId } })) };
  }

  async findCreatedBy(createdBy: string, updateId: UpdateId): Promise<string | undefined> {
    const { resources } = await this.rollouts.items
      .query<{ id: string }>({
        query: 'SELECT TOP 1 c.id FROM c WHERE c.createdBy = @createdBy AND c.spec.updateId.provider = @provider AND c.spec.updateId.name = @name AND c.spec.updateId.version = @version',
        parameters: [
          { name: '@createdBy', value: createdBy },
          { name: '@provider', value: updateId.provider },
          { name: '@name', value: updateId.name },
          { name: '@version', value: updateId.version },
        ],
      })
      .fetchNext();
    return resources[0]?.id;
  }

  update(id: string, change: (current: RolloutRecord) => RolloutRecord): Promise<RolloutRecord> {
    if (!isCosmosSafeId(id)) return Promise.reject(new NotFoundError(`rollout ${id} not found`));
    return readModifyWrite(this.rollouts.item(id, id), `rollout ${id}`, change, (next) => next.id === id, this.maxAttempts);
  }

  async putBatches(batches: BatchRecord[]): Promise<void> {
    for (const batch of batches) assertSafeId(batch.id);
    await inGroups(batches, CONCURRENCY, (batch) => this.createBatch(batch));
  }

  async getBatch(rolloutId: string, batchId: string): Promise<BatchRecord | undefined> {
    if (!isCosmosSafeId(batchId)) return undefined;
    const { resource } = await this.batches.item(batchId, rolloutId).read<BatchRecord>();
    return resource && withoutSystemProperties(resource);
  }

  updateBatch(rolloutId: string, batchId: string, change: (current: BatchRecord) => BatchRecord): Promise<BatchRecord> {
    const what = `batch ${batchId} of rollout ${rolloutId}`;
    if (!isCosmosSafeId(batchId)) return Promise.reject(new NotFoundError(`${what} not found`));
    return readModifyWrite(this.batches.item(batchId, rolloutId), what, change, (next) => next.id === batchId && next.rolloutId === rolloutId, this.maxAttempts);
  }

  /**
   * Ordered by wave, then batch index. Finds the ids by query, then reads each batch by id: the local stand-in's
   * query engine copies every document it returns slowly (seconds for a wave of batches with thousands of
   * devices each), point reads do not; on Cosmos DB both cost about the same.
   */
  async listBatches(rolloutId: string, wave?: number): Promise<BatchRecord[]> {
    // The partition key is passed and filtered on: the local stand-in does not scope queries to a partition.
    let query = 'SELECT c.id FROM c WHERE c.rolloutId = @rolloutId';
    const parameters: SqlParameter[] = [{ name: '@rolloutId', value: rolloutId }];
    if (wave !== undefined) {
      query += ' AND c.wave = @wave';
      parameters.push({ name: '@wave', value: wave });
    }
    // Bounded: ids only, of one rollout's batches (its wave records list the same ids).
    const { resources } = await this.batches.items.query<{ id: string }>({ query, parameters }, { partitionKey: rolloutId }).fetchAll();
    const batches = await inGroups(resources, CONCURRENCY, ({ id }) => this.getBatch(rolloutId, id));
    return batches.filter((b) => b !== undefined).sort((a, b) => a.wave - b.wave || a.index - b.index);
  }

  /** Creates the batch unless it exists: planning twice keeps the first plan. */
  private async createBatch(batch: BatchRecord): Promise<void> {
    try {
      await this.batches.items.create(batch);
    } catch (err) {
      if (cosmosStatus(err) !== 409) throw err;
    }
  }
}

type SummaryRow = Omit<RolloutSummary, 'spec'> & { updateId: UpdateId };
const summaryFields = ['id', 'status', 'reason', 'currentWave', 'createdBy', 'createdAt', 'updatedAt', 'waves', 'approvals', 'approvalStage', 'targetedCount', 'rollbackStartedAt']
  .map((field) => `c.${field}`).concat('c.spec.updateId AS updateId').join(', ');


function assertSafeId(id: string): void {
  if (!isCosmosSafeId(id)) throw new Error(`not a valid Cosmos DB id: ${JSON.stringify(id)}`);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Runs `task` on every item, `size` at a time; results in the items' order. */
async function inGroups<T, R>(items: readonly T[], size: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) {
    results.push(...(await Promise.all(items.slice(start, start + size).map(task))));
  }
  return results;
}

