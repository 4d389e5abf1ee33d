/**
 * @vercel/cosmosdb-server in this process: the local stand-in for Cosmos DB (state lives in memory only).
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

export interface RunningCosmos {
  /** e.g. http://127.0.0.1:41235/ */
  endpoint: string;
  /** Any base64 key is accepted; this is the Cosmos emulator's published development key. */
  key: string;
  stop(): Promise<void>;
}

const EMULATOR_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export async function startCosmos(): Promise<RunningCosmos> {
  const server = createHttpServer();
  await listen(server);
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/`,
    key: EMULATOR_KEY,
    stop: () => close(server),
  };
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
