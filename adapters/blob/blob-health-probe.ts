/**
 * Probes Blob Storage by listing at most one container: it proves the endpoint answers and our credential
 * is accepted, and needs only a data-plane reader role (no account-level permission, unlike service properties).
 */
import type { BlobServiceClient } from '@azure/storage-blob';
import type { HealthProbe } from '../../domain/health';

export function createBlobHealthProbe(client: BlobServiceClient): HealthProbe {
  return {
    async check(signal) {
      await client.listContainers({ abortSignal: signal }).byPage({ maxPageSize: 1 }).next();
    },
  };
}
