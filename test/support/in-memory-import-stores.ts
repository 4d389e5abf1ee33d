/** Test doubles of the import ports, for unit tests of import activities (integration tests use Cosmos and Azurite). */
import { pageOf } from './page-of';
import type { PageRequest } from '../../domain/rollouts/rollout-store-port';
import type { ImportRecordStore, ImportRuleStore, PackageStore, ReleaseCounterStore } from '../../domain/imports/import-ports';
import type { ImportRecord } from '../../domain/imports/import-record';
import type { ImportRule } from '../../domain/imports/import-rule';
import { readModifyWrite, SimulatedConflicts, type RivalChange } from './simulated-conflicts';

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export class InMemoryImportRuleStore implements ImportRuleStore {
  private readonly rules = new Map<string, ImportRule>();
  async put(rule: ImportRule) {
    const existed = this.rules.has(rule.ruleId);
    this.rules.set(rule.ruleId, copy(rule));
    return existed ? 'replaced' as const : 'created' as const;
  }
  async get(ruleId: string) {
    const found = this.rules.get(ruleId);
    return found && copy(found);
  }
  async list() {
    return [...this.rules.values()].map(copy);
  }
  async listPage(page: PageRequest) {
    return pageOf([...this.rules.values()].sort((a, b) => a.ruleId.localeCompare(b.ruleId)).map(copy), page);
  }
}

export class InMemoryImportRecordStore implements ImportRecordStore {
  readonly records = new Map<string, ImportRecord>();
  private readonly conflicts = new SimulatedConflicts();
  private rival: RivalChange<ImportRecord> = (current) => current;

  /** Each record's next `conflicts` writes lose a race to `rival` (default: a writer that changes nothing), as on a 412. */
  simulateConflicts(conflicts: number, rival: RivalChange<ImportRecord> = (current) => current): void {
    this.conflicts.arm(conflicts);
    this.rival = rival;
  }

  get racesLost(): number {
    return this.conflicts.racesLost;
  }

  async create(record: ImportRecord) {
    if (this.records.has(record.eventId)) return 'exists' as const;
    this.records.set(record.eventId, copy(record));
    return 'created' as const;
  }
  async get(eventId: string) {
    const found = this.records.get(eventId);
    return found && copy(found);
  }
  async update(eventId: string, change: (current: ImportRecord) => ImportRecord) {
    return readModifyWrite({
      records: this.records, key: eventId, what: `import ${eventId}`, change, keepsKey: (next) => next.eventId === eventId, conflicts: this.conflicts, rival: this.rival,
    });
  }
  async list(filter: { status?: ImportRecord['status'] } = {}) {
    return [...this.records.values()].filter((r) => filter.status === undefined || r.status === filter.status).map(copy);
  }
  async listPage(filter: { status?: ImportRecord['status'] }, page: PageRequest) {
    return pageOf(await this.list(filter), page);
  }
}

export class InMemoryReleaseCounterStore implements ReleaseCounterStore {
  private readonly counters = new Map<string, number>();
  /** The number each claim (import event) was given: asking again gives the same one, as the Cosmos store does. */
  private readonly claims = new Map<string, number>();
  async next(updateName: string, claim: string) {
    const key = `${updateName}\n${claim}`;
    const claimed = this.claims.get(key);
    if (claimed !== undefined) return claimed;
    const value = (this.counters.get(updateName) ?? 0) + 1;
    this.counters.set(updateName, value);
    this.claims.set(key, value);
    return value;
  }
}

export class InMemoryPackageStore implements PackageStore {
  readonly files = new Map<string, Uint8Array>();
  async readUpload(url: string): Promise<Uint8Array> {
    const found = this.files.get(url);
    if (!found) throw new Error(`no upload at ${url}`);
    return found;
  }
  async put(path: string, bytes: Uint8Array) {
    this.files.set(path, bytes);
    return { url: `memory:///${path}` };
  }
  async get(path: string) {
    return this.files.get(path);
  }
}
