/**
 * Paging of every list endpoint: `?limit=` (1-200, default 50) and `?continuationToken=` from the previous page.
 * The answer is `{ items, continuationToken }` plus a `Link: <…>; rel="next"` header while more remain.
 */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { z } from 'zod';
import { InvalidContinuationTokenError, type Page } from '../../domain/rollouts/rollout-store-port';
import { problem } from './problem';

export const defaultPageSize = 50;
export const maxPageSize = 200;

export const pageQuery = z.object({
  limit: z.coerce.number().int('must be a whole number').min(1, `must be between 1 and ${maxPageSize}`).max(maxPageSize, `must be between 1 and ${maxPageSize}`).default(defaultPageSize),
  continuationToken: z.string().min(1, 'must not be empty').max(8192, 'at most 8192 characters').optional(),
});

export type PageQuery = z.infer<typeof pageQuery>;

export function pagedResponse<T>(request: Pick<HttpRequest, 'url'>, page: Page<T>): HttpResponseInit {
  const body = { items: page.items, ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}) };
  if (!page.continuationToken) return { status: 200, jsonBody: body };
  const next = new URL(request.url);
  next.searchParams.set('continuationToken', page.continuationToken);
  return { status: 200, headers: { Link: `<${next.pathname}${next.search}>; rel="next"` }, jsonBody: body };
}

/** Reads a page and answers it; a continuation token the list did not issue is the client's mistake (400). */
export async function listPage<T>(request: Pick<HttpRequest, 'url'>, read: () => Promise<Page<T>>): Promise<HttpResponseInit> {
  try {
    return pagedResponse(request, await read());
  } catch (err) {
    if (err instanceof InvalidContinuationTokenError) return problem(400, 'Invalid request', err.message, [{ field: 'continuationToken', message: 'not issued by this list' }]);
    throw err;
  }
}
