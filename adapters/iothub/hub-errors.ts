/**
 * What an error from the IoT Hub service SDK means. Matched on `name`, HTTP status and socket error codes, never with
 * `instanceof`: the SDK carries its own copies of the common error classes (docs/azure-facts.md, "Errors").
 */
interface SdkError {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  responseBody?: unknown;
  response?: { statusCode?: unknown; headers?: Record<string, unknown> };
}

const statusByName: Record<string, number> = {
  ArgumentError: 400,
  UnauthorizedError: 401,
  DeviceNotFoundError: 404,
  InvalidEtagError: 412,
  PreconditionFailedError: 412,
  ThrottlingError: 429,
  InternalServerError: 500,
  BadDeviceResponseError: 502,
  ServiceUnavailableError: 503,
  GatewayTimeoutError: 504,
};

/** Socket-level failures: the hub (or the way to it) is down, not the request wrong. */
const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

function fields(err: unknown): SdkError {
  return typeof err === 'object' && err !== null ? (err as SdkError) : {};
}

export function statusOf(err: unknown): number | undefined {
  const { response, name } = fields(err);
  if (typeof response?.statusCode === 'number') return response.statusCode;
  return typeof name === 'string' ? statusByName[name] : undefined;
}

/** IoT Hub's error code: the `iothub-errorcode` header, else the `ErrorCode:<code>;` prefix of the body's Message. */
export function hubErrorCode(err: unknown): string | undefined {
  const { response, responseBody } = fields(err);
  const header = response?.headers?.['iothub-errorcode'];
  if (typeof header === 'string' && header) return header;
  if (typeof responseBody !== 'string') return undefined;
  return /ErrorCode:([A-Za-z]+)/.exec(responseBody)?.[1];
}

function networkCode(err: unknown): string | undefined {
  const { code, message } = fields(err);
  if (typeof code === 'string' && networkCodes.has(code)) return code;
  return typeof message === 'string' && /socket hang up/i.test(message) ? 'ECONNRESET' : undefined;
}

export function isNetworkError(err: unknown): boolean {
  return networkCode(err) !== undefined;
}

export function isThrottled(err: unknown): boolean {
  return statusOf(err) === 429;
}

/** The hub is failing (5xx) or unreachable: what the circuit breaker counts. */
export function isHubFailure(err: unknown): boolean {
  const status = statusOf(err);
  return (status !== undefined && status >= 500) || isNetworkError(err);
}

/** Worth another attempt after a pause: throttled, failing or unreachable. Other 4xx will not change. */
export function isTransient(err: unknown): boolean {
  return isThrottled(err) || isHubFailure(err);
}

export function isDeviceNotFound(err: unknown): boolean {
  return fields(err).name === 'DeviceNotFoundError' || (statusOf(err) === 404 && hubErrorCode(err) === 'DeviceNotFound');
}

/** The hub's Retry-After (seconds or an HTTP date), in ms; the SDK itself ignores it. */
export function retryAfterMsOf(err: unknown, nowMs: number): number | undefined {
  const value = fields(err).response?.headers?.['retry-after'];
  if (typeof value !== 'string' || !value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Short form for reasons and logs: `503 ServerBusy`, `429 ThrottlingError`, `ECONNREFUSED`. */
export function describeHubError(err: unknown): string {
  const network = networkCode(err);
  if (network) return network;
  const status = statusOf(err);
  const { name, message } = fields(err);
  const code = hubErrorCode(err) ?? (typeof name === 'string' && name !== 'Error' ? name : undefined);
  if (status !== undefined) return code ? `${status} ${code}` : `${status}`;
  return typeof message === 'string' && message ? message : String(err);
}

/** The hub's own words for an error (the text after `ErrorCode:<code>;`), else the error's message. */
export function hubMessage(err: unknown): string {
  const { message } = fields(err);
  return typeof message === 'string' ? message.trim() : String(err);
}
