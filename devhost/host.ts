/**
 * The local Functions host: loads any v4 Node app, serves its HTTP triggers, the Event Grid webhook, timer
 * triggers, Event Hubs triggers (events posted to its delivery API), and runs its durable orchestrations with the real durable-functions replay.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeApp, loadApp } from './app-loader';
import { resolveSettingReferences } from './host-json';
import { indexingErrors } from './binding-support';
import { registry, type RegisteredFunction } from './functions-core';
import { invokeFunction, jsonTypedData, runAppHook, triggerBindingOf, type InvocationInput } from './invoker';
import { buildRouteTable, findRoute, toRpcHttpRequest, writeHttpResponse, type HttpRoute } from './http/http-trigger';
import { answerClientError, checkRequestUrl, problemBody } from './http/request-limits';
import { interpretEventGridRequest } from './triggers/eventgrid-webhook';
import { TimerScheduler } from './triggers/timer-scheduler';
import { EventHubDispatcher } from './triggers/event-hub-dispatcher';
import { indexEventHubListeners } from './triggers/event-hub-listeners';
import { maxDeliveryBytes, parseDelivery, validateEvents } from './triggers/event-hub-events';
import { HostClock } from './durable/clock';
import { DurableEngine } from './durable/engine';
import { DurableHttpApi } from './durable/client-api';
import { durableClientBinding } from './durable/durable-client-binding';
import { TaskHubStore } from './durable/task-hub-store';
import { parseIsoDuration } from '../common/iso-duration';
import { configureBindings, defaultAzuriteBlobEndpoint } from './bindings/binding-environment';
import type { HostOptions, RunningHost } from './host-options';

export type { HostOptions, RunningHost } from './host-options';

const hostVersion = '4.1037.0-devhost';

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { ...(text ? { 'Content-Type': 'application/json; charset=utf-8' } : {}), ...headers });
  res.end(text);
}

function problem(res: ServerResponse, status: number, title: string, detail: string): void {
  res.writeHead(status, { 'Content-Type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', title, status, detail }));
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const log = options.log ?? ((line: string) => process.stdout.write(line + '\n'));
  const logAt = (level: string, message: string) => log(`[${new Date().toISOString()}] ${level}: ${message}`);
  const app = describeApp(options.appDir);
  // Settings reach the app through process.env, as on Azure: local.settings.json < environment < explicit settings.
  // They are in place before host.json is read, since its `%NAME%` references resolve from them.
  for (const [key, value] of Object.entries(app.localSettings)) if (process.env[key] === undefined) process.env[key] = String(value);
  Object.assign(process.env, options.settings ?? {});
  const hostJson = resolveSettingReferences(app.hostJson, process.env) as {
    extensions?: { http?: { routePrefix?: string }; durableTask?: { hubName?: string; maxConcurrentActivityFunctions?: number }; eventHubs?: { maxEventBatchSize?: number } };
  };
  const routePrefix = (hostJson.extensions?.http?.routePrefix ?? 'api').replace(/^\/+|\/+$/g, '');
  const taskHub = hostJson.extensions?.durableTask?.hubName ?? 'TestHubName';

  const store = TaskHubStore.open(options.dataDir);
  const clock = new HostClock({ scale: options.clock?.scale, offsetMs: store.clockOffsetMs });
  const engine = new DurableEngine(store, clock, {
    maxConcurrentActivities: hostJson.extensions?.durableTask?.maxConcurrentActivityFunctions ?? 100,
    autoSkip: options.clock?.autoSkip ?? false,
    log: logAt,
  });
  let ready = false;
  let unindexed: string[] = [];
  let routes: HttpRoute[] = [];
  const server = http.createServer((req, res) => {
    engine.externalBusy++;
    handle(req, res)
      .catch((err: unknown) => {
        logAt('error', `request ${req.method} ${req.url} failed in the host: ${err instanceof Error ? err.stack : String(err)}`);
        if (!res.headersSent) problem(res, 500, 'Host error', 'The devhost failed to handle this request; see its log.');
      })
      .finally(() => {
        engine.externalBusy--;
        engine.scheduleIdleCheck();
      });
  });
  // Requests the parser refuses (header fields too large, malformed) get problem+json, not Node's empty answer.
  server.on('clientError', answerClientError(http.maxHeaderSize));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? app.localHttpPort ?? 7071, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  process.env.WEBSITE_HOSTNAME = `127.0.0.1:${port}`;

  const durableApi = new DurableHttpApi(engine, url, taskHub);
  const clientInput: InvocationInput['extraInputsByType'] = { durableClient: { string: JSON.stringify(durableClientBinding(url, taskHub)) } };
  engine.bindings = clientInput;
  const invoke = (fn: RegisteredFunction, trigger: InvocationInput['trigger']) =>
    invokeFunction(fn, { trigger, extraInputsByType: clientInput }, (level, message) => logAt(level, `${fn.metadata.name}: ${message}`));
  const timers = new TimerScheduler(clock, async (fn, info) => {
    await invoke(fn, jsonTypedData(info)).catch((err: unknown) => logAt('error', `timer ${fn.metadata.name} failed: ${String(err)}`));
  });

  registry.logSink = (level, category, message) => logAt(level, `${category}: ${message}`);
  configureBindings({ settings: process.env, now: () => clock.now(), azuriteBlobEndpoint: options.azuriteBlobEndpoint ?? defaultAzuriteBlobEndpoint });
  await loadApp(app);
  unindexed = disableUnindexable();
  const eventHubs = startEventHubTriggers();
  await runAppHook('appStart', { functionAppDirectory: app.dir });
  routes = buildRouteTable(registry.functions.values());
  timers.start(registry.functions.values());
  engine.start();
  ready = true;
  logAt('information', `devhost listening on ${url} with ${registry.functions.size} function(s) from ${app.dir}`);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const urlProblem = checkRequestUrl(req);
    if (urlProblem) {
      req.resume();
      const body = problemBody(urlProblem);
      res.writeHead(urlProblem.status, { 'Content-Type': 'application/problem+json', 'Content-Length': Buffer.byteLength(body) });
      return void res.end(body);
    }
    const requestUrl = new URL(req.url ?? '/', url);
    const path = requestUrl.pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    // Refused before reading it: the Event Hubs delivery API caps its request size.
    if (path.startsWith('/admin/eventhubs/') && Number(req.headers['content-length'] ?? 0) > maxDeliveryBytes) {
      req.resume();
      return problem(res, 413, 'Payload Too Large', `At most ${maxDeliveryBytes} bytes are accepted per delivery.`);
    }
    const body = await readBody(req);

    if (path === '/admin/host/status') {
      const status = { state: ready ? 'Running' : 'Initializing', version: hostVersion, functions: registry.functions.size };
      return sendJson(res, ready ? 200 : 503, unindexed.length ? { ...status, errors: unindexed } : status);
    }
    if (!ready) return problem(res, 503, 'Starting', 'The host is still loading the app.');
    if (path === '/admin/host/clock' && (method === 'GET' || method === 'POST')) {
      if (method === 'POST') {
        const request = JSON.parse(body.toString('utf8') || '{}') as { autoSkip?: unknown };
        if (typeof request.autoSkip !== 'boolean') return problem(res, 400, 'Bad clock request', 'Send {"autoSkip": true|false}.');
        engine.autoSkip = request.autoSkip;
      }
      return sendJson(res, 200, { now: clock.now().toISOString(), scale: clock.scale, autoSkip: engine.autoSkip });
    }
    if (path === '/admin/host/clock/advance' && method === 'POST') return advanceClock(body, res);
    if (path === '/admin/host/metrics' && method === 'GET') return sendJson(res, 200, engine.metrics());
    if (path === '/admin/host/metrics/reset' && method === 'POST') return sendJson(res, 200, engine.resetMetrics());
    if (path === '/admin/functions' && method === 'GET') {
      return sendJson(res, 200, [...registry.functions.values()].map((fn) => ({ name: fn.metadata.name, trigger: triggerBindingOf(fn)[1] })));
    }
    const adminInvoke = /^\/admin\/functions\/([^/]+)$/.exec(path);
    if (adminInvoke && method === 'POST') return invokeByAdmin(decodeURIComponent(adminInvoke[1]!), body, res);

    const durable = /^\/(?:runtime\/webhooks\/)?durabletask\/(.*)$/.exec(path);
    if (durable) {
      const answer = durableApi.handle({ method, path: durable[1]!, query: requestUrl.searchParams, headers: req.headers as Record<string, string>, body });
      return sendJson(res, answer.status, answer.body, answer.headers);
    }
    if (path === '/runtime/webhooks/eventgrid') return eventGrid(req, requestUrl, body, res);
    const eventHubDelivery = /^\/admin\/eventhubs\/([^/]+)\/partitions\/([^/]+)\/events$/.exec(path);
    if (eventHubDelivery && method === 'POST') return deliverEvents(decodeURIComponent(eventHubDelivery[1]!), decodeURIComponent(eventHubDelivery[2]!), body, res);

    const prefix = routePrefix ? `/${routePrefix}` : '';
    if (path === prefix || path.startsWith(`${prefix}/`)) {
      const routePath = path.slice(prefix.length).replace(/^\/+|\/+$/g, '').split('/').map(decodeURIComponent).join('/');
      const found = findRoute(routes, routePath, method);
      if (found && 'route' in found) {
        const fn = found.route.fn;
        try {
          const outcome = await invoke(fn, toRpcHttpRequest(req, requestUrl, body, found.params));
          return writeHttpResponse(fn, outcome, res);
        } catch (err) {
          logAt('error', `${fn.metadata.name} failed: ${err instanceof Error ? err.stack : String(err)}`);
          res.writeHead(500).end();
          return;
        }
      }
      if (found) return problem(res, 405, 'Method Not Allowed', `${method} is not allowed on ${path}.`);
    }
    return problem(res, 404, 'Not Found', `No function or host endpoint at ${path}.`);
  }

  /** As the Functions host does, a function with a binding no extension provides is not loaded; the error stays visible. */
  function disableUnindexable(): string[] {
    const errors: string[] = [];
    for (const [key, fn] of registry.functions) {
      const problems = indexingErrors(fn.metadata);
      if (!problems.length) continue;
      registry.functions.delete(key);
      for (const line of problems) logAt('error', `${line} The function '${fn.metadata.name}' is disabled.`);
      errors.push(...problems);
    }
    return errors;
  }

  /** Functions whose trigger names an unresolvable event hub are disabled, as ones that fail indexing are. */
  function startEventHubTriggers(): EventHubDispatcher {
    const index = indexEventHubListeners(registry.functions.values(), process.env);
    for (const { functionName, message } of index.errors) {
      registry.functions.delete(functionName.toLowerCase());
      logAt('error', `${message} The function '${functionName}' is disabled.`);
      unindexed.push(message);
    }
    return new EventHubDispatcher({
      listeners: index.listeners,
      maxEventBatchSize: hostJson.extensions?.eventHubs?.maxEventBatchSize,
      invoke: (fn, trigger, triggerMetadata) =>
        invokeFunction(fn, { trigger, triggerMetadata, extraInputsByType: clientInput }, (level, message) => logAt(level, `${fn.metadata.name}: ${message}`)),
      nowIso: () => clock.now().toISOString(),
      log: logAt,
    });
  }

  async function deliverEvents(eventHubName: string, partitionId: string, body: Buffer, res: ServerResponse): Promise<void> {
    const parsed = parseDelivery(body);
    if (!parsed.ok) return problem(res, parsed.status, parsed.status === 413 ? 'Payload Too Large' : 'Bad Request', parsed.detail);
    sendJson(res, 200, await eventHubs.deliver(eventHubName, partitionId, parsed.events));
  }

  function advanceClock(body: Buffer, res: ServerResponse): void {
    let ms: number;
    try {
      const request = JSON.parse(body.toString('utf8') || '{}') as { by?: string; to?: string };
      ms = request.to ? Date.parse(request.to) - clock.nowMs() : parseIsoDuration(request.by ?? '');
      if (Number.isNaN(ms)) throw new RangeError(`'to' is not a date-time: ${request.to}`);
    } catch (err) {
      return problem(res, 400, 'Bad clock request', `Send {"by":"PT1H"} or {"to":"<ISO date-time>"}: ${(err as Error).message}`);
    }
    engine.advanceClock(ms);
    sendJson(res, 200, { now: clock.now().toISOString() });
  }

  async function invokeByAdmin(name: string, body: Buffer, res: ServerResponse): Promise<void> {
    const fn = registry.functions.get(name.toLowerCase());
    if (!fn) return problem(res, 404, 'Not Found', `No function named '${name}'.`);
    const input = (JSON.parse(body.toString('utf8') || '{}') as { input?: unknown }).input;
    await invoke(fn, jsonTypedData(input ?? null));
    res.writeHead(202).end();
  }

  async function eventGrid(req: IncomingMessage, requestUrl: URL, body: Buffer, res: ServerResponse): Promise<void> {
    const name = requestUrl.searchParams.get('functionName') ?? '';
    const fn = registry.functions.get(name.toLowerCase());
    if (!fn || triggerBindingOf(fn)[1].type !== 'eventGridTrigger') {
      return problem(res, 404, 'Not Found', `No Event Grid triggered function named '${name}'.`);
    }
    if (req.method === 'OPTIONS') {
      // CloudEvents webhook validation handshake.
      res.writeHead(200, { 'WebHook-Allowed-Origin': String(req.headers['webhook-request-origin'] ?? '*'), 'WebHook-Allowed-Rate': '*' });
      res.end();
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return problem(res, 400, 'Bad Request', 'The request body is not valid JSON.');
    }
    const outcome = interpretEventGridRequest(req.headers as Record<string, string | undefined>, parsed);
    if (outcome.kind === 'validation') return sendJson(res, 200, { validationResponse: outcome.validationResponse });
    if (outcome.kind === 'invalid') return problem(res, 400, 'Bad Request', outcome.detail);
    for (const event of outcome.events) {
      try {
        await invoke(fn, jsonTypedData(event));
      } catch (err) {
        logAt('error', `${fn.metadata.name} failed on event ${String(event.id)}: ${String(err)}`);
        return problem(res, 500, 'Function failed', `${fn.metadata.name} failed on event ${String(event.id)}; Event Grid will retry.`);
      }
    }
    res.writeHead(202).end();
  }

  return {
    url,
    port,
    now: () => clock.nowMs(),
    async deliverEvents(eventHubName, partitionId, events) {
      const parsed = validateEvents(events);
      if (!parsed.ok) throw new RangeError(`Cannot deliver to event hub '${eventHubName}' partition ${partitionId}: ${parsed.detail}`);
      return eventHubs.deliver(eventHubName, partitionId, parsed.events);
    },
    async stop() {
      ready = false;
      timers.stop();
      engine.stop();
      await runAppHook('appTerminate').catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.close();
    },
  };
}
