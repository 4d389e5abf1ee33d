/** Small helpers shared by the Cosmos stores: what Cosmos adds to a document, and what its errors carry. */

/** Properties Cosmos adds to every document; they never leave the adapter. */
const systemProperties = ['_rid', '_self', '_etag', '_ts', '_attachments', '_lsn'] as const;

export function withoutSystemProperties<T extends object>(document: T): T {
  const copy = { ...document } as Record<string, unknown>;
  for (const name of systemProperties) delete copy[name];
  return copy as T;
}

/** The HTTP status of a failed Cosmos request (409 conflict, 412 etag mismatch, 404…), if it is one. */
export function cosmosStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}
