/**
 * Watches the Cosmos stand-in's HTTP traffic for successful writes and hands them to the journal, as records of
 * what each touched resource is now (taken from the server's own answer).
 *
 * @vercel/cosmosdb-server keeps everything in plain objects inside its request handler, out of reach, and has no
 * hooks; its HTTP answers are the only view of what it stored. A write is recorded when its answer is sent, before
 * any of it reaches the client. The server changes its data and answers within one request handler with no I/O
 * in between, so the order of answers is the order of the writes.
 *
 * Resources are addressed by name (`/dbs/{db}/colls/{coll}/docs/{id}`), as @azure/cosmos does; the server also
 * accepts `_rid` paths, which are not supported here.
 */
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Json, JournalRecord } from './cosmos-journal';

/** Properties the server derives itself; left out of the journal, it assigns them anew on restore. */
const SERVER_PROPERTIES = ['_rid', '_self', '_etag', '_ts', '_attachments', '_docs', '_sprocs', '_triggers', '_udfs', '_conflicts', '_colls', '_users'];

interface WriteRequest {
  method: string;
  /** Decoded path segments, e.g. ['dbs', 'ota', 'colls', 'rollouts', 'docs', 'r1']. */
  segments: string[];
  headers: IncomingHttpHeaders;
  batch: boolean;
}

/** Where writes go; none (undefined) while nothing is to be recorded. */
export type JournalTarget = () => { append(records: JournalRecord[]): Promise<void> } | undefined;

/** Appends the records of every successful write to the journal, and sends its answer once they are on disk. */
export function journalWrites(server: Server, target: JournalTarget): void {
  // Runs before the server's own listener, so the request body can be read alongside it.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const journal = target();
    const write = journal && asWriteRequest(req);
    if (!write) return;
    const requestBody: Buffer[] = [];
    // Only a transactional batch / bulk request needs its body (the answer does not name deleted documents).
    if (write.batch) req.on('data', (chunk: Buffer) => requestBody.push(chunk));

    const end = res.end;
    res.end = function (this: ServerResponse, ...args: unknown[]) {
      const answer = (): void => void end.apply(this, args as Parameters<typeof end>);
      const failed = (err: unknown): void => {
        // The change is in memory but not on disk: tell the client rather than pretend it is durable.
        console.error('cosmos stand-in: could not save a write:', err);
        res.statusCode = 500;
        args = [JSON.stringify({ code: 'InternalServerError', message: `write not saved: ${String(err)}` })];
        answer();
      };
      // Appended now (the order of answers is the order of writes); answered once the flush covering it is done.
      try {
        journal.append(recordsOf(write, res.statusCode, args[0], requestBody)).then(answer, failed);
      } catch (err) {
        failed(err);
      }
      return this;
    } as typeof res.end;
  });
}

/** The requests that change data, mirroring the server's router (queries are POSTs too). */
function asWriteRequest(req: IncomingMessage): WriteRequest | undefined {
  const method = req.method ?? '';
  const { headers } = req;
  const query = method === 'POST' && (isTrue(headers['x-ms-documentdb-isquery']) || headers['content-type'] === 'application/query+json');
  if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(method) || query) return undefined;
  const segments = pathSegments(req.url ?? '');
  if (!segments || segments[0] !== 'dbs') return undefined;
  const batch = method === 'POST' && !isTrue(headers['x-ms-documentdb-is-upsert']) && isTrue(headers['x-ms-cosmos-is-batch-request']);
  return { method, segments, headers, batch };
}

function recordsOf(write: WriteRequest, status: number, answer: unknown, requestBody: Buffer[]): JournalRecord[] {
  if (status < 200 || status > 299) return [];
  const [, db, , coll, feed, id] = write.segments;
  const body = typeof answer === 'string' && answer !== '' ? (JSON.parse(answer) as unknown) : undefined;
  const put = write.method !== 'DELETE';
  switch (write.segments.length) {
    case 1: // POST /dbs
      return isJson(body) ? [{ op: 'putDatabase', body: stored(body) }] : [];
    case 2: // DELETE /dbs/{db}
      return db !== undefined && !put ? [{ op: 'deleteDatabase', db }] : [];
    case 3: // POST /dbs/{db}/colls
      return db !== undefined && isJson(body) ? [{ op: 'putCollection', db, body: stored(body) }] : [];
    case 4: // PUT or DELETE /dbs/{db}/colls/{coll}
      if (db === undefined || coll === undefined) return [];
      if (!put) return [{ op: 'deleteCollection', db, coll }];
      return isJson(body) ? [{ op: 'putCollection', db, body: stored(body) }] : [];
    case 5: // POST /dbs/{db}/colls/{coll}/docs|udfs: create, upsert or batch
      if (db === undefined || coll === undefined) return [];
      if (write.batch) return batchRecords(db, coll, parseJson(Buffer.concat(requestBody)), body);
      if (!isJson(body)) return [];
      return feed === 'docs' ? [{ op: 'putDocument', db, coll, body: stored(body) }] : [{ op: 'putUdf', db, coll, body: stored(body) }];
    case 6: // PUT, PATCH or DELETE /dbs/{db}/colls/{coll}/docs|udfs/{id}
      if (db === undefined || coll === undefined || id === undefined) return [];
      if (feed === 'udfs') return put ? (isJson(body) ? [{ op: 'putUdf', db, coll, body: stored(body) }] : []) : [{ op: 'deleteUdf', db, coll, id }];
      if (put) return isJson(body) ? [{ op: 'putDocument', db, coll, body: stored(body) }] : [];
      return [{ op: 'deleteDocument', db, coll, id, partition: resolvePartition(header(write.headers, 'x-ms-documentdb-partitionkey'), id) }];
    default:
      return [];
  }
}

/** A batch answers per operation and applies each on its own (the stand-in's batches are not atomic). */
function batchRecords(db: string, coll: string, operations: unknown, results: unknown): JournalRecord[] {
  if (!Array.isArray(operations) || !Array.isArray(results)) return [];
  const records: JournalRecord[] = [];
  results.forEach((result: unknown, i) => {
    const operation: unknown = operations[i];
    if (!isJson(result) || !isJson(operation)) return;
    const status = Number(result.statusCode);
    if (status < 200 || status > 299) return;
    if (operation.operationType === 'Delete' && typeof operation.id === 'string') {
      records.push({ op: 'deleteDocument', db, coll, id: operation.id, partition: resolvePartition(operation.partitionKey, operation.id) });
    } else if (operation.operationType !== 'Read' && isJson(result.resourceBody)) {
      records.push({ op: 'putDocument', db, coll, body: stored(result.resourceBody) });
    }
  });
  return records;
}

/**
 * The partition the server resolves from a partition key header (`["value"]`): a missing, empty or
 * non-primitive value means the document's id (see documentPartition).
 */
function resolvePartition(headerValue: unknown, id: string): string {
  const parsed = typeof headerValue === 'string' ? parseJson(Buffer.from(headerValue)) : undefined;
  const value: unknown = Array.isArray(parsed) ? parsed[0] : parsed;
  return typeof value === 'object' || !value ? id : String(value);
}

function stored(body: Json): Json {
  const copy = { ...body };
  for (const name of SERVER_PROPERTIES) delete copy[name];
  return copy;
}

/** Mirrors the server's router: leading `//` (sent by @azure/cosmos) and trailing slashes are ignored. */
function pathSegments(url: string): string[] | undefined {
  const pathname = url.split('?')[0] ?? '';
  try {
    return pathname
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isTrue(value: string | string[] | undefined): boolean {
  return (Array.isArray(value) ? value : [value]).some((v) => v?.toLowerCase() === 'true');
}

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(data: Buffer): unknown {
  try {
    return JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
}
