/** Pages an in-memory list the way the Cosmos adapters page a query: `limit` rows, the next offset as the token. */
import type { Page, PageRequest } from '../../domain/rollouts/rollout-store-port';

export function pageOf<T>(items: readonly T[], page: PageRequest): Page<T> {
  const start = Number(page.continuationToken ?? 0);
  const end = start + page.limit;
  return { items: items.slice(start, end), ...(end < items.length ? { continuationToken: String(end) } : {}) };
}
