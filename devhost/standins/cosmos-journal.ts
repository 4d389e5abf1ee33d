/**
 * The Cosmos stand-in's data on disk: a journal of resource states, one JSON record per line.
 *
 * Each record says what a resource is now (a database, container, document or UDF with its full body) or that it
 * is gone; replaying them in order gives the current data. Records are appended in the order of the writes and
 * flushed to disk before the client gets its answer. Flushes are shared (group commit): a write waits for the next
 * fdatasync that starts after its append, and one fdatasync covers every write appended meanwhile, so a busy
 * stand-in pays one flush per burst, not one per write, and never blocks its thread on the disk. A crash can only
 * tear the last line, which belongs to a write nobody was told had succeeded, so reading drops an unterminated last line. On every start the journal is compacted into one record
 * per live resource (written beside it, then renamed over it), so it stays as small as the data and a torn
 * tail never has records appended after it.
 */
import { closeSync, fdatasync, fsyncSync, mkdirSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';

export type Json = Record<string, unknown>;

export type JournalRecord =
  | { op: 'putDatabase'; body: Json }
  | { op: 'deleteDatabase'; db: string }
  | { op: 'putCollection'; db: string; body: Json }
  | { op: 'deleteCollection'; db: string; coll: string }
  | { op: 'putDocument'; db: string; coll: string; body: Json }
  /** `partition`: the partition key value as the server resolved it for the document (see documentKey). */
  | { op: 'deleteDocument'; db: string; coll: string; id: string; partition: string }
  | { op: 'putUdf'; db: string; coll: string; body: Json }
  | { op: 'deleteUdf'; db: string; coll: string; id: string };

export interface StoredCollection {
  body: Json;
  /** By documentKey: ids are unique per partition only. */
  documents: Map<string, Json>;
  udfs: Map<string, Json>;
}

export interface StoredDatabase {
  body: Json;
  collections: Map<string, StoredCollection>;
}

export type StoredState = Map<string, StoredDatabase>;

const FILE_NAME = 'journal.jsonl';

/** Reads the data saved in `dir` (none yet: empty), compacts the journal and opens it for appending. */
export function openJournal(dir: string): { state: StoredState; journal: Journal } {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, FILE_NAME);
  const state = readState(file);
  writeCompacted(file, state);
  return { state, journal: new Journal(openSync(file, 'a')) };
}

export class Journal {
  private fd: number | undefined;
  /** Appends waiting for the next flush. */
  private waiting: { resolve: () => void; reject: (err: Error) => void }[] = [];
  /** The flush in progress, if any. */
  private flushing: Promise<void> | undefined;

  constructor(fd: number) {
    this.fd = fd;
  }

  /**
   * Writes the records at once (so the journal's order is the order of the calls) and resolves once they are
   * flushed to disk: a crash (or power loss) after that keeps them.
   */
  append(records: readonly JournalRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    if (this.fd === undefined) return Promise.reject(new Error('the Cosmos stand-in journal is closed'));
    writeAll(this.fd, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const durable = new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.flushSoon();
    return durable;
  }

  /** Closes the file once every appended record is flushed. */
  async close(): Promise<void> {
    while (this.flushing || this.waiting.length > 0) {
      this.flushSoon();
      await this.flushing?.catch(() => undefined);
    }
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  /** Starts a flush for everything appended so far unless one is running (its end starts the next). */
  private flushSoon(): void {
    const fd = this.fd;
    if (this.flushing || this.waiting.length === 0 || fd === undefined) return;
    const batch = this.waiting.splice(0);
    this.flushing = new Promise<void>((done) => {
      fdatasync(fd, (err) => {
        for (const waiter of batch) {
          if (err) waiter.reject(err);
          else waiter.resolve();
        }
        this.flushing = undefined;
        done();
        this.flushSoon();
      });
    });
  }
}

/** A document's identity as the server keys it: the partition key value (or, without one, the id) and the id. */
export function documentKey(partition: string, id: string): string {
  return JSON.stringify([partition, id]);
}

/**
 * The partition a document lands in, resolved as @vercel/cosmosdb-server does: the value at the container's
 * first partition key path (`/id` without one), falling back to the id when that value is missing or empty.
 */
export function documentPartition(collection: Json, document: Json): string {
  const paths = (collection.partitionKey as { paths?: unknown } | undefined)?.paths;
  const first = Array.isArray(paths) && typeof paths[0] === 'string' ? paths[0] : '/id';
  const keys = first === '/_partitionKey' ? ['id'] : first.slice(1).split('/');
  let value: unknown = document;
  for (const key of keys) value = typeof value === 'object' && value !== null ? (value as Json)[key] : undefined;
  return String(value || document.id);
}

export function applyRecord(state: StoredState, record: JournalRecord): void {
  switch (record.op) {
    case 'putDatabase': {
      const id = String(record.body.id);
      state.set(id, { body: record.body, collections: state.get(id)?.collections ?? new Map() });
      return;
    }
    case 'deleteDatabase':
      state.delete(record.db);
      return;
    case 'putCollection': {
      // A replaced container keeps its documents.
      const database = state.get(record.db);
      const id = String(record.body.id);
      const existing = database?.collections.get(id);
      database?.collections.set(id, { body: record.body, documents: existing?.documents ?? new Map(), udfs: existing?.udfs ?? new Map() });
      return;
    }
    case 'deleteCollection':
      state.get(record.db)?.collections.delete(record.coll);
      return;
    case 'putDocument': {
      const collection = state.get(record.db)?.collections.get(record.coll);
      collection?.documents.set(documentKey(documentPartition(collection.body, record.body), String(record.body.id)), record.body);
      return;
    }
    case 'deleteDocument':
      state.get(record.db)?.collections.get(record.coll)?.documents.delete(documentKey(record.partition, record.id));
      return;
    case 'putUdf':
      state.get(record.db)?.collections.get(record.coll)?.udfs.set(String(record.body.id), record.body);
      return;
    case 'deleteUdf':
      state.get(record.db)?.collections.get(record.coll)?.udfs.delete(record.id);
      return;
    default:
      throw new Error(`unknown journal record ${JSON.stringify(record)}`);
  }
}

function readState(file: string): StoredState {
  const state: StoredState = new Map();
  forEachLine(file, (line, lineNumber) => {
    if (line.trim() === '') return;
    let record: JournalRecord;
    try {
      record = JSON.parse(line) as JournalRecord;
    } catch {
      throw new Error(`${file}:${lineNumber}: corrupt Cosmos stand-in journal record`);
    }
    applyRecord(state, record);
  });
  return state;
}

/** One record per live resource, parents first. */
function* snapshot(state: StoredState): Generator<JournalRecord> {
  for (const [db, database] of state) {
    yield { op: 'putDatabase', body: database.body };
    for (const [coll, collection] of database.collections) {
      yield { op: 'putCollection', db, body: collection.body };
      for (const body of collection.udfs.values()) yield { op: 'putUdf', db, coll, body };
      for (const body of collection.documents.values()) yield { op: 'putDocument', db, coll, body };
    }
  }
}

function writeCompacted(file: string, state: StoredState): void {
  const next = `${file}.next`;
  const fd = openSync(next, 'w');
  try {
    let pending = '';
    for (const record of snapshot(state)) {
      pending += `${JSON.stringify(record)}\n`;
      if (pending.length >= 1 << 20) {
        writeAll(fd, pending);
        pending = '';
      }
    }
    writeAll(fd, pending);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  // The rename is atomic: a crash leaves either the old journal or the compacted one, never a mix.
  renameSync(next, file);
  syncDirectory(path.dirname(file));
}

/** Calls `onLine` for every newline-terminated line; an unterminated last line (a torn write) is dropped. */
function forEachLine(file: string, onLine: (line: string, lineNumber: number) => void): void {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    const chunk = Buffer.alloc(1 << 20);
    let partial: Buffer[] = [];
    let lineNumber = 0;
    for (let read = readSync(fd, chunk); read > 0; read = readSync(fd, chunk)) {
      const data = chunk.subarray(0, read);
      let start = 0;
      // Byte-wise split is safe: in UTF-8, 0x0a never occurs inside a multi-byte character.
      for (let end = data.indexOf(0x0a, start); end !== -1; end = data.indexOf(0x0a, start)) {
        partial.push(data.subarray(start, end));
        onLine(Buffer.concat(partial).toString('utf8'), (lineNumber += 1));
        partial = [];
        start = end + 1;
      }
      // Copied: the chunk buffer is reused by the next read.
      if (start < read) partial.push(Buffer.from(data.subarray(start)));
    }
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, text: string): void {
  const data = Buffer.from(text, 'utf8');
  for (let offset = 0; offset < data.length; ) offset += writeSync(fd, data, offset);
}

/** Makes the rename itself durable. Not possible on Windows (directories cannot be opened there): skipped. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
