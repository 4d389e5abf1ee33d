/**
 * Request body size limits, checked before anything parses a body: a declared Content-Length over the limit is
 * refused at once, a chunked body as soon as it grows past it (a copy of the stream is counted, not kept, so the
 * handler still reads the original).
 */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { problem } from './problem';

/** Enough for every body but a rollout's list of device ids. */
export const defaultMaxBodyBytes = 256 * 1024;

export function tooLarge(maxBytes: number): HttpResponseInit {
  return problem(413, 'Request too large', `The request body is larger than ${formatBytes(maxBytes)}, the limit of this route.`, [
    { field: '(body)', message: `larger than ${formatBytes(maxBytes)}` },
  ]);
}

/** undefined when the body is within `maxBytes`, else the 413 problem response to send. */
export async function checkBodySize(request: Pick<HttpRequest, 'headers' | 'body' | 'clone'>, maxBytes: number): Promise<HttpResponseInit | undefined> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes) return tooLarge(maxBytes);
  if (!request.body) return undefined;
  const reader = request.clone().body?.getReader();
  if (!reader) return undefined;
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return undefined;
    total += value.byteLength;
    if (total > maxBytes) {
      // Not awaited: cancelling one branch of a tee settles only once the other branch is cancelled too.
      reader.cancel().catch(() => undefined);
      return tooLarge(maxBytes);
    }
  }
}

/** Wraps a handler that is not `secured` (e.g. the signed approval links) in the same limit. */
export function bounded<A extends unknown[]>(handler: (request: HttpRequest, ...rest: A) => Promise<HttpResponseInit>, maxBytes = defaultMaxBodyBytes) {
  return async (request: HttpRequest, ...rest: A): Promise<HttpResponseInit> => (await checkBodySize(request, maxBytes)) ?? handler(request, ...rest);
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MB` : bytes % 1024 === 0 ? `${bytes / 1024} KB` : `${bytes} bytes`;
}
