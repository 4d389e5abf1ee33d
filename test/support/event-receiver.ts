/**
 * A stand-in consumer of the local hub's built-in events endpoint in tests: an HTTP server on 127.0.0.1 that takes
 * what the devhost's delivery API takes (`POST …/partitions/{id}/events`), keeps the batches, and can be told to
 * fail for a while. Stopped in afterAll by the caller.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedBatch {
  partitionId: string;
  events: { body: string; properties: Record<string, string>; systemProperties: Record<string, string>; sequenceNumber: number; offset: string; enqueuedTimeUtc: string }[];
}

export interface EventReceiver {
  /** The delivery API prefix to give the hub, e.g. http://127.0.0.1:1234/admin/eventhubs/iothub */
  url: string;
  batches: ReceivedBatch[];
  /** Answer with this status instead of 200 while set. */
  failWith: number | undefined;
  /** Requests answered with `failWith`. */
  refused: number;
  port: number;
  stop(): Promise<void>;
}

/** `port` 0 picks a free one; pass a stopped receiver's port to bring "the same endpoint" back. */
export async function startEventReceiver(port = 0): Promise<EventReceiver> {
  const receiver = { batches: [] as ReceivedBatch[], failWith: undefined as number | undefined, refused: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const match = /\/partitions\/([^/]+)\/events$/.exec(req.url ?? '');
      if (receiver.failWith !== undefined) {
        receiver.refused++;
        res.writeHead(receiver.failWith).end();
        return;
      }
      if (req.method !== 'POST' || !match) {
        res.writeHead(404).end();
        return;
      }
      receiver.batches.push({ partitionId: match[1]!, events: JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReceivedBatch['events'] });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ delivered: 0, failed: 0, functions: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${bound}/admin/eventhubs/iothub`,
    port: bound,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
