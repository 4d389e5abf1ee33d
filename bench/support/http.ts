/** Calls to the app's API (as a local principal) and to the durable HTTP API, for benchmarks. */
import { principalHeaders } from '../../scripts/local-principal';
import { round } from './figures';

const caller = 'bench@contoso.com';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON from the app's API and the durable HTTP API
export type Json = any;

export async function call(url: string, method = 'GET', body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...principalHeaders(caller) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Json = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed };
}

export async function expectStatus(what: string, status: number, res: Promise<{ status: number; body: Json }>): Promise<Json> {
  const answer = await res;
  if (answer.status !== status) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)?.slice(0, 2000)}`);
  return answer.body;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** History length of each instance (showHistory through the durable HTTP API), and how many activities of each name it scheduled. */
export async function historyOf(base: string, instanceIds: string[]): Promise<{ events: number; byInstance: Record<string, number>; scheduled: Record<string, Record<string, number>> }> {
  const byInstance: Record<string, number> = {};
  const scheduled: Record<string, Record<string, number>> = {};
  let events = 0;
  for (const id of instanceIds) {
    const { status, body } = await call(`${base}/runtime/webhooks/durabletask/instances/${encodeURIComponent(id)}?showHistory=true&showInput=false`);
    if (status !== 200 && status !== 202) throw new Error(`history of ${id}: ${status} ${JSON.stringify(body)?.slice(0, 500)}`);
    const history: Json[] = Array.isArray(body?.historyEvents) ? body.historyEvents : [];
    byInstance[id] = history.length;
    events += history.length;
    const names: Record<string, number> = {};
    for (const event of history) if (event.EventType === 'TaskScheduled') names[event.Name] = (names[event.Name] ?? 0) + 1;
    scheduled[id] = names;
  }
  return { events, byInstance, scheduled };
}


export async function hostMetrics(base: string): Promise<Record<string, number>> {
  const m = (await call(`${base}/admin/host/metrics`)).body as Record<string, number>;
  return { activities: m.activitiesCompleted ?? NaN, episodes: m.episodes ?? NaN, episodeMsMedian: round(m.episodeMsMedian ?? NaN), episodeMsMax: round(m.episodeMsMax ?? NaN) };
}

