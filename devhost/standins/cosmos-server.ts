/**
 * @vercel/cosmosdb-server in the current thread: the local stand-in for Cosmos DB. startCosmos (cosmos.ts) runs it
 * in a worker thread, so its queries never stall the event loop of the process that started it. Its data lives in memory; with a
 * `dataDir` every write is also journaled to disk (cosmos-journal.ts) and restored on the next start.
 *
 * It is served over plain HTTP. Its HTTPS mode uses a bundled, expired self-signed certificate that a client
 * can only accept by turning certificate checks off, which the app must never do. Over HTTP the real
 * @azure/cosmos client needs one setting, which is harmless against real (single-region, serverless) Cosmos:
 *
 *   new CosmosClient({ endpoint, key, connectionPolicy: { enableEndpointDiscovery: false } })
 *
 * Why: the server's account document advertises `https://` region endpoints; with discovery on, the client
 * switches to them and fails the TLS handshake against this HTTP server.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpServer } from '@vercel/cosmosdb-server';
import { openJournal, type Journal, type Json, type StoredState } from './cosmos-journal';
import { journalWrites } from './cosmos-writes';
import { installLinearQueries } from './cosmos-linear-queries';

export interface CosmosServer {
  /** e.g. http://127.0.0.1:41235/ */
  endpoint: string;
  stop(): Promise<void>;
}

export interface CosmosOptions {
  /** Keep the data in this folder (created if missing) across restarts, crashes included. */
  dataDir?: string;
}

export async function startCosmosServer(options: CosmosOptions = {}): Promise<CosmosServer> {
  installLinearQueries();
  // Read (and compacted) before anything listens, so a bad journal fails the start.
  const saved = options.dataDir === undefined ? undefined : openJournal(options.dataDir);
  // Keep-alive: the server's default answers `connection: close`, so every request of the app cost a new TCP
  // connection (thousands a second under load, in TIME_WAIT). Idle connections are kept long, because a server
  // that drops one the moment a client reuses it makes that request fail with ECONNRESET; stop() closes them all.
  const server = createHttpServer({ keepAlive: true });
  server.keepAliveTimeout = IDLE_CONNECTION_MS;
  // Until the saved data is back in the server, writes are not journaled: they are the saved data.
  let journal: Journal | undefined;
  if (saved) journalWrites(server, () => journal);
  try {
    await listen(server);
  } catch (err) {
    await saved?.journal.close();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}/`;
  if (saved) {
    try {
      await restore(endpoint, saved.state);
    } catch (err) {
      await close(server);
      await saved.journal.close();
      throw err;
    }
    journal = saved.journal;
  }
  return {
    endpoint,
    stop: async () => {
      await close(server);
      await journal?.close();
    },
  };
}

/** How long an idle client connection is kept open. */
const IDLE_CONNECTION_MS = 10 * 60_000;

/** Batches of documents sent at once on restore: fewer round trips, bounded request size. */
const RESTORE_BATCH = { documents: 100, bytes: 4 << 20 };

/** Puts the saved data into the freshly started (empty) server through its own HTTP API. */
async function restore(endpoint: string, state: StoredState): Promise<void> {
  for (const [db, database] of state) {
    await send(endpoint, '/dbs', database.body);
    const colls = `/dbs/${encodeURIComponent(db)}/colls`;
    for (const [coll, collection] of database.collections) {
      await send(endpoint, colls, collection.body);
      const base = `${colls}/${encodeURIComponent(coll)}`;
      for (const udf of collection.udfs.values()) await send(endpoint, `${base}/udfs`, udf);
      for (const documents of inBatches(collection.documents.values())) {
        // One bulk request per batch of documents; the server answers for each.
        const results = await send(endpoint, `${base}/docs`, documents.map((resourceBody) => ({ operationType: 'Create', resourceBody })), {
          'x-ms-cosmos-is-batch-request': 'true',
        });
        const failed = Array.isArray(results) ? results.find((r: { statusCode?: number }) => r.statusCode !== 201) : results;
        if (failed !== undefined) throw new Error(`cosmos stand-in: restoring ${db}/${coll} failed: ${JSON.stringify(failed)}`);
      }
    }
  }
}

function* inBatches(documents: Iterable<Json>): Generator<Json[]> {
  let batch: Json[] = [];
  let bytes = 0;
  for (const document of documents) {
    const size = JSON.stringify(document).length;
    if (batch.length > 0 && (batch.length >= RESTORE_BATCH.documents || bytes + size > RESTORE_BATCH.bytes)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(document);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}

async function send(endpoint: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  const res = await fetch(new URL(path, endpoint), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`cosmos stand-in: restoring ${path} failed: ${res.status} ${text}`);
  return JSON.parse(text) as unknown;
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    // Clients keep idle keep-alive sockets; without this, close() waits for them to time out.
    server.closeAllConnections();
  });
}
