/**
 * The hub's service endpoint: HTTPS on 127.0.0.1 for the service SDK (`azure-iothub`). Every request is
 * authenticated (401), routed (404/405), size-checked (413 over 256 KB), parsed (400 for bad JSON), counted
 * against its throttle (429) and only then handled; a client's mistake never becomes a 500. The journal writes the
 * request's changes (`beforeReply`) before the reply goes out.
 */
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type net from 'node:net';
import { HubError } from '../hub-state';
import { QuerySyntaxError } from '../query';
import type { HubQuotas } from '../quotas';
import { errorReply } from './errors';
import { authenticate, type Policy } from './policies';
import { Router } from './router';
import type { RestReply, Route } from './types';

export interface RestServerOptions {
  routes: readonly Route[];
  tls: { cert: string; key: string };
  policies: readonly Policy[];
  /** The host name clients sign their tokens for (`localhost`). */
  hostName: string;
  quotas: HubQuotas;
  /** The clock token expiry is checked on (wall clock: see HubState.tokenNow). */
  tokenNow: () => number;
  /** 0 (default): an ephemeral port. */
  port?: number;
  /** Runs after every handler, before its reply is written (the journal's flush). */
  beforeReply?: () => void;
  log?: (line: string) => void;
}

export interface RestServer {
  port: number;
  stop(): Promise<void>;
}

export const maxBodyBytes = 256 * 1024;
/** Longer than clients keep idle sockets in practice, so a reused keep-alive socket is rarely closed under a request. */
const keepAliveTimeoutMs = 120_000;

interface Sent {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

export async function startRestServer(options: RestServerOptions): Promise<RestServer> {
  const router = new Router(options.routes);
  const log = options.log ?? (() => undefined);
  let hostNames = [options.hostName];

  const server = https.createServer({ cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' }, (req, res) => {
    handle(req).then(
      (reply) => send(res, reply),
      (error: unknown) => send(res, failure(error, log)),
    );
  });
  server.keepAliveTimeout = keepAliveTimeoutMs;
  server.headersTimeout = keepAliveTimeoutMs + 1000;

  async function handle(req: IncomingMessage): Promise<Sent> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    let segments: string[];
    try {
      segments = url.pathname.split('/').slice(1).map((s) => decodeURIComponent(s));
    } catch {
      throw new HubError(400, 'ArgumentInvalid', 'the path is not validly URL-encoded');
    }
    if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
    const method = req.method ?? 'GET';

    const auth = authenticate(req.headers.authorization, options.policies, hostNames, options.tokenNow());
    if (!auth.ok) throw new HubError(401, 'IotHubUnauthorizedAccess', `Unauthorized: ${auth.reason}`);
    const match = router.match(method, segments);
    if (!match) throw new HubError(404, 'NotFound', `No such resource: ${method} ${url.pathname}`);
    if ('allowed' in match) {
      return { ...errorReply(new HubError(405, 'MethodNotAllowed', `${method} is not allowed on ${url.pathname}`), { Allow: match.allowed.join(', ') }) };
    }
    const { route, params } = match;
    if (!route.permissions.some((p) => auth.permissions.has(p))) {
      throw new HubError(401, 'IotHubUnauthorizedAccess', `Unauthorized: the policy lacks ${route.permissions.join(' or ')}`);
    }
    const body = await readJson(req);
    if (route.quota && !options.quotas.admit(route.quota)) {
      const retry = String(options.quotas.retryAfterSeconds(route.quota));
      return errorReply(new HubError(429, 'ThrottlingException', `Throttled: ${route.quota} is over the ${options.quotas.sku} x ${options.quotas.units} quota`), { 'Retry-After': retry });
    }
    let reply: RestReply;
    try {
      reply = await route.handle({ method, segments, query: url.searchParams, headers: req.headers, body }, params);
    } finally {
      options.beforeReply?.();
    }
    return {
      status: reply.status,
      headers: reply.headers ?? {},
      ...(reply.body !== undefined ? { body: JSON.stringify(reply.body) } : {}),
    };
  }

  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => log(`https server error: ${error.message}`));
  const port = (server.address() as net.AddressInfo).port;
  // Tokens are signed for the host name; accept `localhost:<port>` too, for clients that sign what they connect to.
  hostNames = [options.hostName, `${options.hostName}:${port}`];
  log(`service endpoint on https://127.0.0.1:${port} (host name ${options.hostName})`);

  let stopping: Promise<void> | undefined;
  return {
    port,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return stopping;
    },
  };
}

/** The body as JSON (undefined when empty); 413 over the limit, 400 when it does not parse. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBodyBytes) throw new HubError(413, 'MessageTooLarge', `The request body is ${declared} bytes, over ${maxBodyBytes}`);
  // Events rather than `for await`: leaving an async iterator early destroys the socket before the 413 is sent.
  const chunks: Buffer[] = [];
  const size = await new Promise<number>((resolve, reject) => {
    let total = 0;
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBodyBytes) {
        req.off('data', onData);
        reject(new HubError(413, 'MessageTooLarge', `The request body is over ${maxBodyBytes} bytes`));
      } else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(total));
    req.once('error', reject);
  });
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HubError(400, 'ArgumentInvalid', 'The request body is not valid JSON');
  }
}

function failure(error: unknown, log: (line: string) => void): Sent {
  if (error instanceof HubError) return errorReply(error);
  if (error instanceof QuerySyntaxError) return errorReply(new HubError(400, 'BadRequest', error.message));
  // Only the hub's own bugs get here.
  log(`service endpoint: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return errorReply(new HubError(500, 'ServerError', 'Internal error in the local hub'));
}

function send(res: ServerResponse, reply: Sent): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string | number> = { ...reply.headers };
  // A body over the limit was not read to its end: the connection cannot carry another request.
  if (reply.status === 413) headers.Connection = 'close';
  if (reply.body !== undefined) {
    headers['Content-Type'] = 'application/json; charset=utf-8';
    headers['Content-Length'] = Buffer.byteLength(reply.body);
  }
  res.writeHead(reply.status, headers);
  res.end(reply.body);
}
