/**
 * GET /api/health: probes every dependency in parallel, each within a short timeout, and always answers 200.
 * A dependency that is down shows as "Degraded" in the body, so a monitor can tell it from the app being down.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { serviceStatus, type DependencyHealth, type HealthProbe, type HealthReport } from '../domain/health';

export interface HealthOptions<Name extends string> {
  version: string;
  probes: Record<Name, HealthProbe>;
  /** Per probe; short, so a hanging dependency cannot hang the health endpoint. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 3_000;

export function createHealthHandler<Name extends string>(options: HealthOptions<Name>): (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const entries = Object.entries<HealthProbe>(options.probes);

  return async (_request, context): Promise<HttpResponseInit> => {
    const results = await Promise.all(
      entries.map(async ([name, probe]) => [name, await runProbe(name, probe, timeoutMs, context)] as const),
    );
    const dependencies = Object.fromEntries(results) as Record<Name, DependencyHealth>;
    const report: HealthReport<Name> = { status: serviceStatus(dependencies), version: options.version, dependencies };
    return { status: 200, jsonBody: report, headers: { 'Cache-Control': 'no-store' } };
  };
}

async function runProbe(
  name: string,
  probe: HealthProbe,
  timeoutMs: number,
  context: InvocationContext,
): Promise<DependencyHealth> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // Raced as well as signalled: a probe that ignores the signal still cannot hold the answer back.
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new ProbeTimeout(timeoutMs));
    }, timeoutMs);
  });
  try {
    await Promise.race([probe.check(controller.signal), timeout]);
    return { status: 'Healthy' };
  } catch (err) {
    // The full error goes to the logs; the anonymous response only gets a short reason.
    context.warn(`health: ${name} is unhealthy`, err);
    return { status: 'Unhealthy', detail: describe(err) };
  } finally {
    clearTimeout(timer);
  }
}

class ProbeTimeout extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
  }
}

/** An HTTP status and/or error code (what the SDKs put on their errors), never a message that might echo a URL. */
function describe(err: unknown): string {
  if (err instanceof ProbeTimeout) return err.message;
  const { statusCode, code } = (typeof err === 'object' && err !== null ? err : {}) as {
    statusCode?: unknown;
    code?: unknown;
  };
  const parts: string[] = [];
  if (typeof statusCode === 'number') parts.push(`HTTP ${statusCode}`);
  if ((typeof code === 'string' || typeof code === 'number') && code !== statusCode) parts.push(String(code));
  if (parts.length > 0) return parts.join(' ');
  return err instanceof Error ? err.name : 'unknown error';
}
