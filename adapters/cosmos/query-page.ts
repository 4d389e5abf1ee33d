/**
 * One page of a Cosmos DB query: at most `limit` rows and the SDK's continuation token, carried in URLs as
 * base64url. A token this code did not issue is refused (InvalidContinuationTokenError), never passed on as a 500.
 */
import type { Container, FeedOptions, SqlQuerySpec } from '@azure/cosmos';
import { InvalidContinuationTokenError, type Page, type PageRequest } from '../../domain/rollouts/rollout-store-port';
import { cosmosStatus } from './documents';

export async function queryPage<Row>(container: Container, query: SqlQuerySpec, page: PageRequest, options: FeedOptions = {}): Promise<Page<Row>> {
  const continuationToken = page.continuationToken === undefined ? undefined : fromUrlToken(page.continuationToken);
  let response;
  try {
    response = await container.items
      .query<Row>(query, { ...options, maxItemCount: page.limit, ...(continuationToken ? { continuationToken } : {}) })
      .fetchNext();
  } catch (err) {
    if (continuationToken !== undefined && cosmosStatus(err) === 400) throw new InvalidContinuationTokenError('continuationToken is not one this list issued');
    throw err;
  }
  return { items: response.resources, ...(response.continuationToken ? { continuationToken: Buffer.from(response.continuationToken).toString('base64url') } : {}) };
}

/** The SDK's token back from its URL form; anything that is not one is refused before Cosmos DB sees it. */
function fromUrlToken(token: string): string {
  const text = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  try {
    JSON.parse(text);
  } catch {
    throw new InvalidContinuationTokenError('continuationToken is not one this list issued');
  }
  return text;
}
