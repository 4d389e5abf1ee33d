/**
 * IoT Hub's error replies: `{"Message":"ErrorCode:<Code>;<text>","ExceptionMessage":"Tracking ID:…"}` plus the
 * `iothub-errorcode` header. The service SDK reads the code and the text between the first and second `;`, so the
 * text must not contain one.
 */
import { randomBytes } from 'node:crypto';
import { HubError } from '../hub-state';

export { HubError };

export const badRequest = (message: string, code = 'ArgumentInvalid'): HubError => new HubError(400, code, message);

export interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function errorReply(error: HubError, extraHeaders: Record<string, string> = {}): ErrorReply {
  const text = error.message.replace(/;/g, ',');
  const trackingId = `${randomBytes(16).toString('hex')}-G:0-TimeStamp:${timestamp(new Date())}`;
  return {
    status: error.status,
    headers: { 'iothub-errorcode': error.code, ...extraHeaders },
    body: JSON.stringify({ Message: `ErrorCode:${error.code};${text}`, ExceptionMessage: `Tracking ID:${trackingId}` }),
  };
}

/** `MM/dd/yyyy HH:mm:ss` in UTC, as IoT Hub stamps its tracking ids. */
function timestamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getUTCMonth() + 1)}/${two(date.getUTCDate())}/${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
}
