/**
 * A local Application Insights ingestion endpoint: accepts what the Azure Monitor exporter posts to
 * `<IngestionEndpoint>/v2.1/track` (and the classic `/v2/track`), JSON arrays or lines, gzip or not, and keeps it.
 * HTTPS only: the exporter turns an `http://` ingestion endpoint into `https://` (connectionStringParser.js), so the
 * endpoint has a certificate from a CA made for it; the app's process trusts it through NODE_EXTRA_CA_CERTS.
 */
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ensureHubTls } from '../../../local-iothub/tls';

export interface Envelope {
  name: string;
  time: string;
  tags?: Record<string, string>;
  data?: { baseType?: string; baseData?: Record<string, any> };
}

export interface IngestionEndpoint {
  /** `InstrumentationKey=…;IngestionEndpoint=https://127.0.0.1:<port>/` */
  connectionString: string;
  /** The CA of the endpoint's certificate, for NODE_EXTRA_CA_CERTS. */
  caCertFile: string;
  envelopes(): Envelope[];
  /** Requests answered other than 200 (bad path, unreadable body). */
  refused(): string[];
  stop(): Promise<void>;
}

function parse(body: string): Envelope[] {
  const text = body.trim();
  if (text.startsWith('[')) return JSON.parse(text) as Envelope[];
  return text.split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line) as Envelope);
}

export async function startIngestionEndpoint(): Promise<IngestionEndpoint> {
  const received: Envelope[] = [];
  const refused: string[] = [];
  const tlsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ingestion-tls-'));
  const tls = await ensureHubTls(tlsDir);
  const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        if (req.method !== 'POST' || !/^\/v2(\.1)?\/track$/.test(req.url ?? '')) throw new Error(`${req.method} ${req.url}`);
        const raw = Buffer.concat(chunks);
        const items = parse((req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8'));
        received.push(...items);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ itemsReceived: items.length, itemsAccepted: items.length, errors: [] }));
      } catch (err) {
        refused.push(String(err));
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    connectionString: `InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:${port}/`,
    caCertFile: tls.caCertFile,
    envelopes: () => [...received],
    refused: () => [...refused],
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => {
        fs.rmSync(tlsDir, { recursive: true, force: true });
        resolve();
      });
    }),
  };
}
