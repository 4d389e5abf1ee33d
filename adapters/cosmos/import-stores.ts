/** Import rules, import records and release counters on Cosmos DB (one document per rule / event / update name). */
import type { Container, Database } from '@azure/cosmos';
import type { ImportRecord } from '../../domain/imports/import-record';
import type { ImportRule } from '../../domain/imports/import-rule';
import type { ImportRecordStore, ImportRuleStore, ReleaseCounterStore } from '../../domain/imports/import-ports';
import type { Page, PageRequest } from '../../domain/rollouts/rollout-store-port';
import { queryPage } from './query-page';
import { containers, escapeId } from './containers';
import { cosmosStatus, withoutSystemProperties } from './documents';
import { readModifyWrite } from './read-modify-write';

type Stored<T> = T & { id: string };

export class CosmosImportRuleStore implements ImportRuleStore {
  private readonly container: Container;
  constructor(database: Database) {
    this.container = database.container(containers.importRules.id);
  }

  async put(rule: ImportRule): Promise<'created' | 'replaced'> {
    const id = escapeId(rule.ruleId);
    const existed = (await this.container.item(id, id).read()).resource !== undefined;
    await this.container.items.upsert<Stored<ImportRule>>({ ...rule, id });
    return existed ? 'replaced' : 'created';
  }

  async get(ruleId: string): Promise<ImportRule | undefined> {
    const id = escapeId(ruleId);
    const { resource } = await this.container.item(id, id).read<Stored<ImportRule>>();
    return resource && strip(resource);
  }

  async list(): Promise<ImportRule[]> {
    const { resources } = await this.container.items.query<Stored<ImportRule>>('SELECT * FROM c').fetchAll();
    return resources.map(strip).sort((a, b) => a.ruleId.localeCompare(b.ruleId));
  }

  async listPage(page: PageRequest): Promise<Page<ImportRule>> {
    const rows = await queryPage<Stored<ImportRule>>(this.container, { query: 'SELECT * FROM c ORDER BY c.ruleId' }, page);
    return { ...rows, items: rows.items.map(strip) };
  }
}

export class CosmosImportRecordStore implements ImportRecordStore {
  private readonly container: Container;
  constructor(database: Database) {
    this.container = database.container(containers.imports.id);
  }

  async create(record: ImportRecord): Promise<'created' | 'exists'> {
    try {
      await this.container.items.create<Stored<ImportRecord>>({ ...record, id: escapeId(record.eventId) });
      return 'created';
    } catch (err) {
      if (cosmosStatus(err) === 409) return 'exists';
      throw err;
    }
  }

  async get(eventId: string): Promise<ImportRecord | undefined> {
    const id = escapeId(eventId);
    const { resource } = await this.container.item(id, id).read<Stored<ImportRecord>>();
    return resource && strip(resource);
  }

  async update(eventId: string, change: (current: ImportRecord) => ImportRecord): Promise<ImportRecord> {
    const id = escapeId(eventId);
    const saved = await readModifyWrite<Stored<ImportRecord>>(this.container.item(id, id), `import ${eventId}`, (current) => ({ ...change(strip(current)), id }), (next) => next.id === id);
    return strip(saved);
  }

  async list(filter: { status?: ImportRecord['status'] } = {}): Promise<ImportRecord[]> {
    const query = filter.status
      ? { query: 'SELECT * FROM c WHERE c.status = @status', parameters: [{ name: '@status', value: filter.status }] }
      : { query: 'SELECT * FROM c' };
    const { resources } = await this.container.items.query<Stored<ImportRecord>>(query).fetchAll();
    return resources.map(strip).sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  }

  async listPage(filter: { status?: ImportRecord['status'] }, page: PageRequest): Promise<Page<ImportRecord>> {
    const query = filter.status
      ? { query: 'SELECT * FROM c WHERE c.status = @status ORDER BY c.receivedAt', parameters: [{ name: '@status', value: filter.status }] }
      : { query: 'SELECT * FROM c ORDER BY c.receivedAt' };
    const rows = await queryPage<Stored<ImportRecord>>(this.container, query, page);
    return { ...rows, items: rows.items.map(strip) };
  }
}

export class CosmosReleaseCounterStore implements ReleaseCounterStore {
  private readonly container: Container;
  constructor(database: Database) {
    this.container = database.container(containers.counters.id);
  }

  async next(updateName: string): Promise<number> {
    const id = escapeId(`release:${updateName}`);
    try {
      await this.container.items.create({ id, value: 0 });
    } catch (err) {
      if (cosmosStatus(err) !== 409) throw err;
    }
    const saved = await readModifyWrite<{ id: string; value: number }>(this.container.item(id, id), `counter ${updateName}`, (c) => ({ ...c, value: c.value + 1 }), (n) => n.id === id, 50);
    return saved.value;
  }
}

function strip<T>(document: Stored<T>): T {
  const { id: _id, ...rest } = withoutSystemProperties(document) as Stored<T> & Record<string, unknown>;
  return rest as T;
}
