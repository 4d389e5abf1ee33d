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

  /** Every rule: bounded, one small document per rule an operator created (each import looks for its rule). */
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
    const id = escapeId(record.eventId);
    try {
      await this.container.items.create<Stored<ImportRecord>>({ ...record, id });
      return 'created';
    } catch (err) {
      if (cosmosStatus(err) !== 409) throw err;
    }
    // Seen before: a failed import is retried (replaced under its etag, so of two redeliveries only one retries).
    const { resource: existing } = await this.container.item(id, id).read<Stored<ImportRecord>>();
    if (existing?.status !== 'Failed') return 'exists';
    const { releaseCounter } = existing;
    try {
      await this.container.item(id, id).replace<Stored<ImportRecord>>(
        { ...record, ...(releaseCounter === undefined ? {} : { releaseCounter }), id },
        { accessCondition: { type: 'IfMatch', condition: existing._etag! } },
      );
      return 'created';
    } catch (err) {
      if (cosmosStatus(err) === 412 || cosmosStatus(err) === 404) return 'exists';
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

  /** Every record (one per import event ever received): no request calls it; the API reads listPage pages. */
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

  async next(updateName: string, claim: string): Promise<number> {
    const id = escapeId(`release:${updateName}`);
    try {
      await this.container.items.create<CounterDocument>({ id, value: 0, claims: {} });
    } catch (err) {
      if (cosmosStatus(err) !== 409) throw err;
    }
    const item = this.container.item(id, id);
    const { resource } = await item.read<CounterDocument>();
    const held = resource?.claims?.[claim];
    if (held !== undefined) return held;
    // The number and its claim in one conditional write: a claim interrupted before the write took no number.
    const saved = await readModifyWrite<CounterDocument>(item, `counter ${updateName}`, (c) => {
      if (c.claims?.[claim] !== undefined) return c;
      const value = c.value + 1;
      return { ...c, value, claims: recentClaims({ ...c.claims, [claim]: value }) };
    }, (n) => n.id === id, 50);
    return saved.claims![claim]!;
  }
}

/** `claims`: the number each recent claim (import event id) holds; absent on counters written before claims existed. */
interface CounterDocument {
  id: string;
  value: number;
  claims?: Record<string, number>;
}

/**
 * Claims are only re-asked while their import runs; the newest are kept so the document stays small (an import whose
 * update is published answers from its manifest and never asks again).
 */
const keptClaims = 100;
function recentClaims(claims: Record<string, number>): Record<string, number> {
  const entries = Object.entries(claims);
  return entries.length <= keptClaims ? claims : Object.fromEntries(entries.sort((a, b) => b[1] - a[1]).slice(0, keptClaims));
}

function strip<T>(document: Stored<T>): T {
  const { id: _id, ...rest } = withoutSystemProperties(document) as Stored<T> & Record<string, unknown>;
  return rest as T;
}
