/**
 * A request that got no answer at all (fetch rejects): "cannot reach <url>: <why>" with the system's reason in
 * words, rather than Node's "fetch failed".
 */
import { CliError } from './cli-error';
import { exitCodes } from './exit-codes';

const reasons: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused (is the service running there? `npm start` runs it locally)',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved',
  ETIMEDOUT: 'the connection timed out',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_SOCKET: 'the connection was closed',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another host',
};

/** The system error code behind a fetch failure (undici puts it on `cause`, sometimes inside an AggregateError). */
export function networkErrorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (typeof current === 'object' && current !== null) {
      const { code, errors, cause } = current as { code?: unknown; errors?: unknown; cause?: unknown };
      if (typeof code === 'string') return code;
      if (Array.isArray(errors) && errors.length > 0) current = errors[0];
      else current = cause;
    } else {
      return undefined;
    }
  }
  return undefined;
}

export function unreachable(url: string, err: unknown): CliError {
  const code = networkErrorCode(err);
  const reason = code ? (reasons[code] ?? code) : err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
  return new CliError(`cannot reach ${url}: ${reason}`, exitCodes.unreachable);
}
