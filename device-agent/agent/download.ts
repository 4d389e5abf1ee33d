/**
 * Resumable downloads into `<data>/downloads/`: a `.part` file grows across attempts and restarts (HTTP Range
 * from its current size), and becomes the named file only once its size and SHA-256 are the signed ones. Files
 * are named by their signed hash, so a download is reused by any command that wants the same bytes.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';

export interface DownloadRequest {
  url: string;
  downloadsDir: string;
  sizeInBytes: number;
  /** Base64 SHA-256 the bytes must have (from the signed manifest). */
  sha256: string;
  signal: AbortSignal;
  attempts?: number;
  /** Called with each chunk's size (tests and logs). */
  onBytes?: (bytes: number) => void;
}

export class DownloadError extends Error {
  constructor(
    message: string,
    /** `mismatch`: the server sent other bytes than the signed ones; `network`: they could not be fetched. */
    readonly kind: 'network' | 'mismatch',
  ) {
    super(message);
  }
}

const idleTimeoutMs = 30_000;

/** The local path of the verified file; rejects with a DownloadError (or the abort reason). */
export async function downloadVerified(request: DownloadRequest): Promise<string> {
  await fs.promises.mkdir(request.downloadsDir, { recursive: true });
  const final = path.join(request.downloadsDir, Buffer.from(request.sha256, 'base64').toString('hex'));
  if (fs.existsSync(final) && (await sha256Of(final)) === request.sha256) return final;
  const partial = `${final}.part`;
  const attempts = request.attempts ?? 3;
  let lastError = 'no attempt made';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    request.signal.throwIfAborted();
    try {
      await fetchInto(partial, request);
    } catch (error) {
      if (request.signal.aborted) throw request.signal.reason;
      lastError = (error as Error).message;
      await sleep(Math.min(500 * 2 ** attempt, 5000), request.signal);
      continue;
    }
    if ((await sha256Of(partial)) === request.sha256) {
      await fs.promises.rename(partial, final);
      return final;
    }
    // Complete but wrong: the bytes are not the signed ones; start over once in case a resumed part was stale.
    await fs.promises.rm(partial, { force: true });
    if (attempt >= 2) throw new DownloadError(`${redact(request.url)} does not have the signed size and SHA-256`, 'mismatch');
  }
  throw new DownloadError(`${redact(request.url)} cannot be downloaded: ${lastError}`, 'network');
}

/** Appends the missing bytes to `partial` (all of them when the server ignores Range). */
async function fetchInto(partial: string, request: DownloadRequest): Promise<void> {
  const have = fs.existsSync(partial) ? fs.statSync(partial).size : 0;
  if (have > request.sizeInBytes) await fs.promises.rm(partial, { force: true });
  const start = have > request.sizeInBytes ? 0 : have;
  if (start === request.sizeInBytes && start > 0) return;
  const response = await get(request.url, start > 0 ? { Range: `bytes=${start}-` } : {}, request.signal);
  const status = response.statusCode ?? 0;
  if (status === 416 && start > 0) {
    response.resume();
    await fs.promises.rm(partial, { force: true });
    throw new Error('the server refused the range: starting over');
  }
  if (status !== 200 && status !== 206) {
    response.resume();
    throw new Error(`HTTP ${status}`);
  }
  const append = status === 206 && start > 0;
  if (append && !String(response.headers['content-range'] ?? '').startsWith(`bytes ${start}-`)) {
    response.resume();
    throw new Error(`the server answered range ${String(response.headers['content-range'])} to bytes=${start}-`);
  }
  let written = append ? start : 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      written += chunk.byteLength;
      request.onBytes?.(chunk.byteLength);
      if (written > request.sizeInBytes) done(new Error(`the server sent more than the signed ${request.sizeInBytes} bytes`));
      else done(null, chunk);
    },
  });
  response.setTimeout(idleTimeoutMs, () => response.destroy(new Error(`no data for ${idleTimeoutMs / 1000} s`)));
  await pipeline(response, limit, fs.createWriteStream(partial, { flags: append ? 'a' : 'w' }), { signal: request.signal });
}

function get(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.startsWith('https:') ? https : http;
    const req = client.get(url, { headers, signal, timeout: idleTimeoutMs }, resolve);
    req.on('timeout', () => req.destroy(new Error(`no answer for ${idleTimeoutMs / 1000} s`)));
    req.on('error', reject);
  });
}

export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('base64');
}

/** SAS URLs carry a credential in the query: never log it. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}${parsed.search ? '?…' : ''}`;
  } catch {
    return '(invalid URL)';
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}
