/** Ports of the import pipeline: rules, per-event records, release counters and package storage. */
import type { ImportRecord } from './import-record';
import type { ImportRule } from './import-rule';
import type { Page, PageRequest } from '../rollouts/rollout-store-port';

export interface ImportRuleStore {
  put(rule: ImportRule): Promise<'created' | 'replaced'>;
  get(ruleId: string): Promise<ImportRule | undefined>;
  list(): Promise<ImportRule[]>;
  /** One page, by rule id. */
  listPage(page: PageRequest): Promise<Page<ImportRule>>;
}

export interface ImportRecordStore {
  /**
   * 'exists' when the event was seen before (then nothing changes): the same event twice imports once. A record whose
   * import Failed counts as not seen: it is replaced (keeping its release counter) and 'created' is answered, so an
   * Event Grid redelivery of the event retries the import.
   */
  create(record: ImportRecord): Promise<'created' | 'exists'>;
  get(eventId: string): Promise<ImportRecord | undefined>;
  /**
   * Read-modify-write guarded by the etag: on a concurrent change `change` runs again on the newer record, so it
   * must be pure (its result from its argument alone, nothing changed outside it). Throws NotFoundError.
   */
  update(eventId: string, change: (current: ImportRecord) => ImportRecord): Promise<ImportRecord>;
  list(filter?: { status?: ImportRecord['status'] }): Promise<ImportRecord[]>;
  /** One page, oldest first. */
  listPage(filter: { status?: ImportRecord['status'] }, page: PageRequest): Promise<Page<ImportRecord>>;
}

export interface ReleaseCounterStore {
  /**
   * The release counter `claim` (an import's event id) holds for an update name: on its first call the next one
   * (1, 2, …, incremented atomically), on every later call the same one. A re-run import never takes a second one.
   */
  next(updateName: string, claim: string): Promise<number>;
}

/** Where update files, deltas and manifests are kept (Blob storage). */
export interface PackageStore {
  /** Bytes of an uploaded firmware file, by the URL the BlobCreated event gave. */
  readUpload(url: string): Promise<Uint8Array>;
  put(path: string, bytes: Uint8Array, contentType: string): Promise<{ url: string }>;
  get(path: string): Promise<Uint8Array | undefined>;
}
