/**
 * The body of the Cosmos stand-in's worker thread (started by cosmos.ts): runs the server here and answers the
 * parent's messages. One message in ('stop'), three out ('listening', 'failed', 'stopped').
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startCosmosServer, type CosmosOptions } from './cosmos-server';

export type ToCosmosWorker = { type: 'stop' };
export type FromCosmosWorker =
  | { type: 'listening'; endpoint: string }
  | { type: 'failed'; message: string }
  | { type: 'stopped'; error?: string };

const port = parentPort;
if (!port) throw new Error('cosmos-worker runs as a worker thread only (see startCosmos)');
const post = (message: FromCosmosWorker): void => port.postMessage(message);

const { dataDir } = workerData as CosmosOptions;
startCosmosServer(dataDir === undefined ? {} : { dataDir }).then(
  (server) => {
    post({ type: 'listening', endpoint: server.endpoint });
    port.on('message', (message: ToCosmosWorker) => {
      if (message.type !== 'stop') return;
      server.stop().then(
        () => post({ type: 'stopped' }),
        (err: unknown) => post({ type: 'stopped', error: String(err) }),
      ).finally(() => port.close());
    });
  },
  (err: unknown) => {
    post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    port.close();
  },
);
