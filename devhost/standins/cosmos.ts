/**
 * The local stand-in for Cosmos DB (@vercel/cosmosdb-server, see cosmos-server.ts), run in a worker thread: its
 * queries are CPU-bound and synchronous, and in the starting process's own event loop one heavy query would stall
 * everything else there (the Functions host, /api/health). A worker thread dies with its process, kill -9 included,
 * so the stand-in never outlives what started it; every write is on disk before it is answered (cosmos-journal.ts),
 * so ending the thread abruptly loses nothing that a client was told had succeeded.
 */
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { CosmosOptions } from './cosmos-server';
import type { FromCosmosWorker, ToCosmosWorker } from './cosmos-worker';
import { startWorker } from './worker-script';

export type { CosmosOptions } from './cosmos-server';

export interface RunningCosmos {
  /** e.g. http://127.0.0.1:41235/ */
  endpoint: string;
  /** Any base64 key is accepted; this is the Cosmos emulator's published development key. */
  key: string;
  /** Closes the server (its connections too) within a few seconds; a stand-in that does not stop is terminated. */
  stop(): Promise<void>;
}

const EMULATOR_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';
/** Restoring a large data folder takes a while; a stand-in that never reports is a failed start. */
const START_TIMEOUT_MS = 60_000;
/** An orderly stop only closes sockets and the journal; a thread busy in a query past this is terminated. */
const STOP_TIMEOUT_MS = 2_000;

export async function startCosmos(options: CosmosOptions = {}): Promise<RunningCosmos> {
  const worker = startWorker(path.join(__dirname, 'cosmos-worker'), { ...options }, { name: 'cosmos-standin' });
  const endpoint = await listening(worker);
  // Like any listening server, the running stand-in keeps its process alive until stop().
  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    key: EMULATOR_KEY,
    stop: () => (stopping ??= stop(worker)),
  };
}

function listening(worker: Worker): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`cosmos stand-in: not listening within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const onMessage = (message: FromCosmosWorker): void => {
      if (message.type === 'listening') done(() => resolve(message.endpoint));
      else if (message.type === 'failed') fail(new Error(message.message));
    };
    const onError = (err: Error): void => fail(err);
    const onExit = (code: number): void => fail(new Error(`cosmos stand-in: its thread exited (code ${code}) before listening`));
    function done(settle: () => void): void {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      settle();
    }
    function fail(err: Error): void {
      done(() => reject(err));
      void worker.terminate();
    }
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}

async function stop(worker: Worker): Promise<void> {
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const stopped = new Promise<string | undefined>((resolve) => {
    worker.on('message', (message: FromCosmosWorker) => {
      if (message.type === 'stopped') resolve(message.error);
    });
  });
  worker.postMessage({ type: 'stop' } satisfies ToCosmosWorker);
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    stopped.then((error) => ({ error })),
    exited.then(() => ({ error: undefined })),
    new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS); }),
  ]);
  clearTimeout(timer);
  await worker.terminate();
  if (outcome === 'timeout') console.error(`cosmos stand-in: did not stop within ${STOP_TIMEOUT_MS} ms; terminated`);
  else if (outcome.error !== undefined) throw new Error(`cosmos stand-in: stopping failed: ${outcome.error}`);
}
