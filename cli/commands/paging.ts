/** The list endpoints' paging (`{ items, continuationToken }`): one page, or every page with --all. */
import type { ApiClient, Query } from '../api-client';

export interface Page<T> {
  items: T[];
  continuationToken?: string;
}

export async function listPages<T>(api: ApiClient, path: string, query: Query, all: boolean): Promise<Page<T>> {
  const first = await api.get<Page<T>>(path, query);
  if (!all) return first;
  const items = [...first.items];
  let token = first.continuationToken;
  while (token) {
    const next = await api.get<Page<T>>(path, { ...query, continuationToken: token });
    items.push(...next.items);
    token = next.continuationToken;
  }
  return { items };
}
