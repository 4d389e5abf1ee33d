/** Errors exactly as the service SDK makes them from a hub's HTTP error reply (its own translateError). */
import { RestApiClient } from 'azure-iothub/dist/common-http/rest_api_client';

export function sdkError(status: number, code: string, text = 'something happened', headers: Record<string, string> = {}): Error {
  const body = JSON.stringify({ Message: `ErrorCode:${code};${text}`, ExceptionMessage: 'Tracking ID:abc' });
  return RestApiClient.translateError(body, { statusCode: status, headers: { 'iothub-errorcode': code, ...headers } });
}

/** A socket error as Node's https module reports it. */
export function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });
}
