/**
 * Serves the dashboard's built files (dist/dashboard/web, see `npm run build`) under /api/dashboard. The page and
 * its assets hold no data, so anyone may load them; every API call the page makes carries the caller's identity
 * and is authorised by its own route.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { problem } from '../../functions/http/problem';

/** What the build emits; anything else (and any path outside the folder) is not served. */
const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Same-origin scripts, styles and API calls only: no inline script, no framing, no third party. */
const contentSecurityPolicy = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

export function createDashboardHandler(root: string) {
  const folder = path.resolve(root);
  return async (request: HttpRequest): Promise<HttpResponseInit> => {
    const requested = request.params.file ?? '';
    // A path without a file extension is a page address (the page routes itself): it gets the page.
    const file = path.resolve(folder, path.extname(requested) ? requested : 'index.html');
    const type = contentTypes[path.extname(file)];
    if (!type || !file.startsWith(folder + path.sep)) return notFound(requested);
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch (err) {
      if (!['ENOENT', 'EISDIR', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
      return path.basename(file) === 'index.html' ? problem(404, 'Not found', 'The dashboard is not built: run `npm run build`.') : notFound(requested);
    }
    return {
      status: 200,
      headers: {
        'Content-Type': type,
        'Content-Security-Policy': contentSecurityPolicy,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        // Small files that change with every deployment: always revalidate rather than serve a stale script.
        'Cache-Control': 'no-cache',
      },
      body,
    };
  };
}

const notFound = (file: string) => problem(404, 'Not found', `The dashboard has no file '${file}'.`);
