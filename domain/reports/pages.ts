/** Reading a paged list to its end one page at a time, so a report holds a page, never the whole list. */
import type { Page, PageRequest } from '../rollouts/rollout-store-port';

/** The request for the page `continuationToken` names (the first when undefined), `limit` items long. */
export function pageRequest(limit: number, continuationToken: string | undefined): PageRequest {
  return { limit, ...(continuationToken ? { continuationToken } : {}) };
}

/**
 * Calls `visit` with each page's items in order, reading the next page only after `visit` is done with this one.
 * A token handed back twice in a row would loop forever; it is refused instead.
 */
export async function forEachPage<T>(read: (continuationToken: string | undefined) => Promise<Page<T>>, visit: (items: T[]) => void | Promise<void>): Promise<number> {
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await read(token);
    pages++;
    await visit(page.items);
    if (page.continuationToken !== undefined && page.continuationToken === token) throw new Error('a paged list returned the same continuation token twice');
    token = page.continuationToken || undefined;
  } while (token !== undefined);
  return pages;
}
