/** UpdateStore on Cosmos DB: one document per update version, partitioned by `${provider}/${name}`. */
import type { Container, Database, SqlParameter } from '@azure/cosmos';
import type { UpdateStore } from '../../domain/rollouts/rollout-store-port';
import type { Update, UpdateId } from '../../domain/updates/update';
import type { Page, PageRequest } from '../../domain/rollouts/rollout-store-port';
import { queryPage } from './query-page';
import { containers, updateDocumentId, updatePartitionKey } from './containers';
import { cosmosStatus, withoutSystemProperties } from './documents';

/** The stored shape: the update plus its key fields. */
type UpdateDocument = Update & { id: string; pk: string };

export class CosmosUpdateStore implements UpdateStore {
  private readonly container: Container;

  constructor(database: Database) {
    this.container = database.container(containers.updates.id);
  }

  async put(update: Update): Promise<'created' | 'exists'> {
    const document: UpdateDocument = { ...update, id: updateDocumentId(update.updateId), pk: updatePartitionKey(update.updateId) };
    try {
      await this.container.items.create(document);
      return 'created';
    } catch (err) {
      if (cosmosStatus(err) === 409) return 'exists';
      throw err;
    }
  }

  async get(id: UpdateId): Promise<Update | undefined> {
    const { resource } = await this.container.item(updateDocumentId(id), updatePartitionKey(id)).read<UpdateDocument>();
    return resource && toUpdate(resource);
  }

  /** One page in registration order, filtered like list(). */
  async listPage(filter: { provider?: string; name?: string }, page: PageRequest): Promise<Page<Update>> {
    const { query, parameters, partitionKey } = this.filterQuery(filter);
    const rows = await queryPage<UpdateDocument>(this.container, { query: `${query} ORDER BY c.createdAt`, parameters }, page, partitionKey === undefined ? {} : { partitionKey });
    return { ...rows, items: rows.items.map(toUpdate) };
  }

  /**
   * Sorted by provider, name and registration time. Whole when called as the service does, with provider and name:
   * one partition, the versions of one update. Unfiltered it reads every update: reports fold listPage pages instead.
   */
  async list(filter: { provider?: string; name?: string } = {}): Promise<Update[]> {
    const { query, parameters, partitionKey } = this.filterQuery(filter);
    const { resources } = await this.container.items
      .query<UpdateDocument>({ query, parameters }, partitionKey === undefined ? {} : { partitionKey })
      .fetchAll();
    return resources.map(toUpdate).sort(byIdentityThenTime);
  }

  private filterQuery(filter: { provider?: string; name?: string }): { query: string; parameters: SqlParameter[]; partitionKey?: string } {
    const conditions: string[] = [];
    const parameters: SqlParameter[] = [];
    const { provider, name } = filter;
    // With both, the query is for one partition: say so, and filter on the key too (the local stand-in
    // does not scope queries to a partition).
    const partitionKey = provider !== undefined && name !== undefined ? updatePartitionKey({ provider, name }) : undefined;
    if (partitionKey !== undefined) {
      conditions.push('c.pk = @pk');
      parameters.push({ name: '@pk', value: partitionKey });
    }
    if (provider !== undefined) {
      conditions.push('c.updateId.provider = @provider');
      parameters.push({ name: '@provider', value: provider });
    }
    if (name !== undefined) {
      conditions.push('c.updateId.name = @name');
      parameters.push({ name: '@name', value: name });
    }
    const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
    return { query: `SELECT * FROM c${where}`, parameters, ...(partitionKey !== undefined ? { partitionKey } : {}) };
  }
}

function toUpdate(document: UpdateDocument): Update {
  const { id: _id, pk: _pk, ...update } = withoutSystemProperties(document);
  return update;
}

function byIdentityThenTime(a: Update, b: Update): number {
  return (
    compare(a.updateId.provider, b.updateId.provider) ||
    compare(a.updateId.name, b.updateId.name) ||
    compare(a.createdAt, b.createdAt) ||
    compare(a.updateId.version, b.updateId.version)
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
