/**
 * What an endpoint answers when its handler throws: a store or the hub that cannot be reached is the service's
 * temporary state, not the caller's mistake (503 with Retry-After, so clients back off); anything else is a 500.
 * Both as problem+json without internals; the error itself goes to the log.
 */
import type { HttpResponseInit, InvocationContext } from '@azure/functions';
import { FleetUnavailableError } from '../../domain/fleet/fleet-port';
import { problem } from './problem';

const unreachable = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

export function isDependencyUnavailable(err: unknown): boolean {
  if (err instanceof FleetUnavailableError) return true;
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, statusCode, name } = e as { code?: unknown; statusCode?: unknown; name?: unknown };
    if (typeof code === 'string' && unreachable.has(code)) return true;
    // Cosmos DB: 503 service unavailable, 408 request timeout; a request aborted by its own timeout.
    if (code === 503 || code === 408 || statusCode === 503 || statusCode === 408 || name === 'TimeoutError') return true;
  }
  return false;
}

export function unexpectedErrorResponse(err: unknown, context: InvocationContext): HttpResponseInit {
  context.error(`request failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
  if (isDependencyUnavailable(err)) {
    const response = problem(503, 'Service Unavailable', 'A store or the IoT Hub the service depends on cannot be reached right now; nothing was changed by a read, and a write can be sent again. Retry shortly.');
    return { ...response, headers: { ...(response.headers as Record<string, string>), 'Retry-After': '5' } };
  }
  return problem(500, 'Internal Server Error', 'The request failed on the service side; it has been logged.');
}
