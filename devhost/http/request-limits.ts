/**
 * What the host answers requests Node's HTTP parser or Azure's front end refuse before any function runs: an
 * over-long URL (414), header fields too large (431), a malformed request (400), a timed-out one (408). As Azure
 * Functions, the URL is limited to 4 KB; header fields to Node's `maxHeaderSize` (16 KB by default), which counts
 * the request line too. Each answer is problem+json naming what was too large or wrong, never an empty body.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/** Azure Functions' URL length limit (the runtime's httpRuntime maxUrlLength). */
export const maxUrlBytes = 4096;

export interface RequestProblem {
  status: number;
  title: string;
  detail: string;
  errors: { field: string; message: string }[];
}

export function urlTooLong(url: string): RequestProblem {
  return {
    status: 414, title: 'URI Too Long',
    detail: `The request URL is ${Buffer.byteLength(url)} bytes long; at most ${maxUrlBytes} are accepted.`,
    errors: [{ field: '(url)', message: `longer than ${maxUrlBytes} bytes` }],
  };
}

/** The 414 problem when the request's URL is over the limit, else undefined. */
export function checkRequestUrl(req: IncomingMessage): RequestProblem | undefined {
  const url = req.url ?? '';
  return Buffer.byteLength(url) > maxUrlBytes ? urlTooLong(url) : undefined;
}

const requestLineStart = /^[A-Z]+ /;

/**
 * Whether the header overflow happened in the request line: the data the parser failed on starts the request and
 * its first line is unfinished or over the URL limit. (When the failing chunk is a later one, it cannot be told;
 * the answer then is 431, which is right in all but that rare case.)
 */
function inRequestLine(raw: Buffer | undefined): boolean {
  if (!raw) return false;
  const head = raw.subarray(0, maxUrlBytes + 64).toString('latin1');
  if (!requestLineStart.test(head)) return false;
  const end = head.indexOf('\r\n');
  return end === -1 || end > maxUrlBytes;
}

/** The problem for one of the parser's errors (`clientError`): what Node would answer, as problem+json. */
export function clientErrorProblem(err: NodeJS.ErrnoException & { rawPacket?: Buffer }, maxHeaderSize: number): RequestProblem {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      if (inRequestLine(err.rawPacket)) {
        return { status: 414, title: 'URI Too Long', detail: `The request URL is longer than ${maxUrlBytes} bytes.`, errors: [{ field: '(url)', message: `longer than ${maxUrlBytes} bytes` }] };
      }
      return {
        status: 431, title: 'Request Header Fields Too Large',
        detail: `The request line and header fields are larger than ${maxHeaderSize} bytes in all; send fewer or shorter headers.`,
        errors: [{ field: '(headers)', message: `larger than ${maxHeaderSize} bytes in all` }],
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, title: 'Payload Too Large', detail: 'The chunk extensions of the request body are too large.', errors: [{ field: '(body)', message: 'chunk extensions too large' }] };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, title: 'Request Timeout', detail: 'The request was not received in time.', errors: [] };
    default:
      return { status: 400, title: 'Bad Request', detail: `The request is not valid HTTP (${err.code ?? 'parse error'}).`, errors: [{ field: '(request)', message: 'not valid HTTP' }] };
  }
}

export function problemBody(problem: RequestProblem): string {
  const { status, title, detail, errors } = problem;
  return JSON.stringify({ type: 'about:blank', title, status, detail, ...(errors.length ? { errors } : {}) });
}

/** The response in flight on a kept-alive connection, if any (Node's own handler checks the same field). */
type HttpSocket = Socket & { _httpMessage?: { headersSent?: boolean } | null };

/**
 * A `clientError` listener: writes the problem as a whole HTTP response unless a response on the connection has
 * started (writing then would corrupt it; as Node's own handler), then closes it. A connection reset needs no answer.
 * Earlier answers on a kept-alive connection do not count: the failing request still gets its own.
 */
export function answerClientError(maxHeaderSize: number) {
  return (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: HttpSocket): void => {
    if (err.code === 'ECONNRESET' || !socket.writable || socket._httpMessage?.headersSent) {
      socket.destroy();
      return;
    }
    const problem = clientErrorProblem(err, maxHeaderSize);
    const body = problemBody(problem);
    socket.end(
      `HTTP/1.1 ${problem.status} ${problem.title}\r\nContent-Type: application/problem+json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  };
}
