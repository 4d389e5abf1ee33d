/**
 * The Durable Functions HTTP API (what `df.getClient(context)` calls through `rpcBaseUrl`, and what the links of
 * `createCheckStatusResponse` point at under /runtime/webhooks/durabletask/). Paths are relative to that base.
 */
import { EventType, fromJsonText, toJsonText } from './history';
import { terminalStatuses, type Instance, type RuntimeStatus } from './model';
import type { DurableEngine } from './engine';
import { findFunction } from './sdk-bridge';
import { entityIdOf } from './entity-batch';

export interface ApiRequest {
  method: string;
  /** Path below the durabletask base, e.g. `instances/abc/raiseEvent/Approval`. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const runtimeStatuses: RuntimeStatus[] = ['Pending', 'Running', 'Completed', 'ContinuedAsNew', 'Failed', 'Terminated', 'Suspended'];
const pageSize = 100;

function problem(status: number, detail: string): ApiResponse {
  return { status, body: { message: detail }, headers: {} };
}

/** One page of `items`: `top` from the query, the continuation token (an offset) in and out as a header. */
function pageOf<T>(items: T[], req: ApiRequest): { page: T[]; headers: Record<string, string> } {
  const start = Number(req.headers['x-ms-continuation-token'] ?? 0) || 0;
  const top = Number(req.query.get('top') ?? pageSize) || pageSize;
  const headers: Record<string, string> = {};
  if (start + top < items.length) headers['x-ms-continuation-token'] = String(start + top);
  return { page: items.slice(start, start + top), headers };
}

function readJsonBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  return JSON.parse(body.toString('utf8'));
}

export interface ManagementUrls {
  id: string;
  statusQueryGetUri: string;
  [key: string]: string;
}

export function managementUrls(baseUrl: string, taskHub: string, instanceId: string): ManagementUrls {
  const root = `${baseUrl}/runtime/webhooks/durabletask/instances/${encodeURIComponent(instanceId)}`;
  const common = `taskHub=${encodeURIComponent(taskHub)}&connection=Storage&code=local`;
  return {
    id: instanceId,
    statusQueryGetUri: `${root}?${common}`,
    sendEventPostUri: `${root}/raiseEvent/{eventName}?${common}`,
    terminatePostUri: `${root}/terminate?reason={text}&${common}`,
    rewindPostUri: `${root}/rewind?reason={text}&${common}`,
    purgeHistoryDeleteUri: `${root}?${common}`,
    restartPostUri: `${root}/restart?${common}`,
    suspendPostUri: `${root}/suspend?reason={text}&${common}`,
    resumePostUri: `${root}/resume?reason={text}&${common}`,
  };
}

export function statusOf(engine: DurableEngine, instance: Instance, query: URLSearchParams): Record<string, unknown> {
  const status: Record<string, unknown> = {
    name: instance.name,
    instanceId: instance.instanceId,
    runtimeStatus: instance.status,
    input: query.get('showInput') === 'false' ? null : fromJsonText(instance.input),
    customStatus: fromJsonText(instance.customStatus),
    output: fromJsonText(instance.output),
    createdTime: instance.createdTime,
    lastUpdatedTime: instance.lastUpdatedTime,
  };
  if (instance.warning) status.hostWarning = instance.warning;
  if (query.get('showHistory') === 'true') {
    const withOutput = query.get('showHistoryOutput') === 'true';
    status.historyEvents = engine.store.history(instance.instanceId).map((e) => {
      const { EventType: type, IsPlayed: _played, Result, Input, ...rest } = e;
      return { EventType: EventType[type], ...rest, ...(withOutput ? { Result: fromJsonText(Result), Input: fromJsonText(Input) } : {}) };
    });
    // The HTTP API's name is historyEvents; the durable-functions client reads `history`.
    status.history = status.historyEvents;
  }
  return status;
}

function isRunning(instance: Instance): boolean {
  return !terminalStatuses.includes(instance.status);
}

export class DurableHttpApi {
  constructor(
    private readonly engine: DurableEngine,
    private readonly baseUrl: string,
    private readonly taskHub: string,
  ) {}

  handle(req: ApiRequest): ApiResponse {
    const parts = req.path.split('/').filter(Boolean).map(decodeURIComponent);
    const [root, id, op, arg] = parts;
    try {
      if (root === 'orchestrators' && req.method === 'POST' && id) return this.#start(id, op, req);
      if (root === 'entities' && id && op !== undefined) return this.#entity(id, op, req);
      if (root === 'entities' && req.method === 'GET') return this.#listEntities(id, req);
      if (root === 'instances' && !id && req.method === 'GET') return this.#list(req);
      if (root === 'instances' && !id && req.method === 'DELETE') return this.#purgeBy(req);
      if (root === 'instances' && id) {
        const instance = this.engine.store.instances.get(id);
        if (req.method === 'GET' && !op) return this.#status(instance, id, req);
        if (req.method === 'DELETE' && !op) {
          const deleted = this.engine.purge([id]);
          return deleted ? { status: 200, body: { instancesDeleted: deleted } } : problem(404, `No completed instance '${id}' to purge.`);
        }
        if (req.method === 'POST' && op) return this.#operate(instance, id, op, arg, req);
      }
      return problem(404, `Unknown durable API path '${req.method} ${req.path}'.`);
    } catch (err) {
      if (err instanceof SyntaxError) return problem(400, `The request body is not valid JSON: ${err.message}`);
      throw err;
    }
  }

  #status(instance: Instance | undefined, id: string, req: ApiRequest): ApiResponse {
    // Azure answers an unknown instance with an empty 404.
    if (!instance) return { status: 404 };
    const status = statusOf(this.engine, instance, req.query);
    if (isRunning(instance)) {
      return { status: 202, body: status, headers: { Location: managementUrls(this.baseUrl, this.taskHub, id).statusQueryGetUri, 'Retry-After': '1' } };
    }
    // Callers polling the status URL (e.g. Logic Apps) ask for a 500 on failure; only Failed counts, as on Azure.
    const failedAs500 = instance.status === 'Failed' && req.query.get('returnInternalServerErrorOnFailure')?.toLowerCase() === 'true';
    return { status: failedAs500 ? 500 : 200, body: status };
  }

  #start(name: string, instanceId: string | undefined, req: ApiRequest): ApiResponse {
    if (!findFunction(name, 'orchestrationTrigger')) return problem(400, `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`);
    const existing = instanceId ? this.engine.store.instances.get(instanceId) : undefined;
    if (existing && isRunning(existing)) {
      return problem(409, `An orchestration instance with ID '${instanceId}' already exists and is ${existing.status}.`);
    }
    const instance = this.engine.startNew(name, instanceId, readJsonBody(req.body));
    const urls = managementUrls(this.baseUrl, this.taskHub, instance.instanceId);
    return { status: 202, body: urls, headers: { Location: urls.statusQueryGetUri } };
  }

  #entity(name: string, key: string, req: ApiRequest): ApiResponse {
    if (!findFunction(name, 'entityTrigger')) return problem(404, `No entity function named '${name}'.`);
    const entityId = entityIdOf(name, key);
    if (req.method === 'GET') {
      const record = this.engine.store.entities.get(entityId);
      return record?.exists ? { status: 200, body: fromJsonText(record.state) } : problem(404, `Entity ${entityId} has no state.`);
    }
    if (req.method !== 'POST') return problem(405, `${req.method} is not allowed on entities.`);
    const operation = req.query.get('op');
    if (!operation) return problem(400, "Signalling an entity needs the operation in the 'op' query parameter.");
    this.engine.signalEntity(entityId, operation, req.body.length ? req.body.toString('utf8') : undefined);
    return { status: 202 };
  }

  /** `GET entities[/{name}]`: the entities that have state, as Azure lists them (names are lowercase in entity ids). */
  #listEntities(name: string | undefined, req: ApiRequest): ApiResponse {
    const from = req.query.get('lastOperationTimeFrom');
    const to = req.query.get('lastOperationTimeTo');
    const fetchState = req.query.get('fetchState')?.toLowerCase() === 'true';
    const matching = [...this.engine.store.entities.values()]
      .filter(
        (e) =>
          e.exists &&
          (!name || e.name === name.toLowerCase()) &&
          (!from || Date.parse(e.lastModifiedTime) >= Date.parse(from)) &&
          (!to || Date.parse(e.lastModifiedTime) <= Date.parse(to)),
      )
      .sort((a, b) => (a.entityId < b.entityId ? -1 : a.entityId > b.entityId ? 1 : 0));
    const { page, headers } = pageOf(matching, req);
    const body = page.map((e) => ({
      entityId: { name: e.name, key: e.key },
      lastOperationTime: e.lastModifiedTime,
      ...(fetchState ? { state: fromJsonText(e.state) } : {}),
    }));
    return { status: 200, body, headers };
  }

  #operate(instance: Instance | undefined, id: string, op: string, arg: string | undefined, req: ApiRequest): ApiResponse {
    if (!instance) return problem(404, `No instance with ID '${id}'.`);
    if (op === 'restart') return this.#restart(instance, req);
    if (!isRunning(instance)) return problem(410, `Instance '${id}' is ${instance.status}.`);
    const reason = req.query.get('reason') ?? '';
    switch (op) {
      case 'raiseEvent':
        if (!arg) return problem(400, 'raiseEvent needs an event name.');
        this.engine.send(id, EventType.EventRaised, { Name: arg, Input: toJsonText(readJsonBody(req.body) ?? null) });
        return { status: 202 };
      case 'terminate':
        this.engine.send(id, EventType.ExecutionTerminated, { Input: toJsonText(reason) });
        return { status: 202 };
      case 'suspend':
        this.engine.send(id, EventType.ExecutionSuspended, { Reason: reason });
        return { status: 202 };
      case 'resume':
        this.engine.send(id, EventType.ExecutionResumed, { Reason: reason });
        return { status: 202 };
      default:
        return problem(501, `'${op}' is not supported by the devhost.`);
    }
  }

  /** Starts the same orchestrator with the same input again, under the same id or (by default) a new one. */
  #restart(instance: Instance, req: ApiRequest): ApiResponse {
    const sameId = req.query.get('restartWithNewInstanceId') === 'false';
    if (sameId && isRunning(instance)) return problem(409, `Instance '${instance.instanceId}' is still ${instance.status}.`);
    const restarted = this.engine.startNew(instance.name, sameId ? instance.instanceId : undefined, fromJsonText(instance.input));
    const urls = managementUrls(this.baseUrl, this.taskHub, restarted.instanceId);
    return { status: 202, body: urls, headers: { Location: urls.statusQueryGetUri } };
  }

  #filtered(query: URLSearchParams): Instance[] {
    const statuses = query.get('runtimeStatus')?.split(',').filter(Boolean);
    for (const s of statuses ?? []) if (!runtimeStatuses.includes(s as RuntimeStatus)) throw new RangeError(`Unknown runtimeStatus '${s}'.`);
    const from = query.get('createdTimeFrom');
    const to = query.get('createdTimeTo');
    const prefix = query.get('instanceIdPrefix');
    return [...this.engine.store.instances.values()].filter(
      (i) =>
        (!statuses || statuses.includes(i.status)) &&
        (!from || Date.parse(i.createdTime) >= Date.parse(from)) &&
        (!to || Date.parse(i.createdTime) <= Date.parse(to)) &&
        (!prefix || i.instanceId.startsWith(prefix)),
    );
  }

  #list(req: ApiRequest): ApiResponse {
    let matching: Instance[];
    try {
      matching = this.#filtered(req.query);
    } catch (err) {
      return problem(400, (err as Error).message);
    }
    const { page, headers } = pageOf(matching, req);
    return { status: 200, body: page.map((i) => statusOf(this.engine, i, req.query)), headers };
  }

  #purgeBy(req: ApiRequest): ApiResponse {
    let matching: Instance[];
    try {
      matching = this.#filtered(req.query);
    } catch (err) {
      return problem(400, (err as Error).message);
    }
    const deleted = this.engine.purge(matching.map((i) => i.instanceId));
    return deleted ? { status: 200, body: { instancesDeleted: deleted } } : problem(404, 'No completed instances matched.');
  }
}
