/**
 * Read-only, short-lived SAS URLs for package-store blobs: what a device downloads with (the twin contract's
 * `files[].url`). Signed with the account key when the app has one (connection string, Azurite), else with a user
 * delegation key obtained through the app's managed identity; that key is fetched once and reused until shortly
 * before the URLs it signs would outlive it.
 */
import {
  BlobSASPermissions,
  generateBlobSASQueryParameters,
  SASProtocol,
  StorageSharedKeyCredential,
  type BlobServiceClient,
  type UserDelegationKey,
} from '@azure/storage-blob';

export interface PackageUrlOptions {
  service: BlobServiceClient;
  containerName: string;
  /** How long a URL stays valid; default 24 h (a device offline for a day still gets its package). */
  validForMs?: number;
  now?: () => number;
}

/** The URL of a package-store path (`{provider}/{name}/{version}/{file}`). */
export type PackageUrlFor = (path: string) => Promise<string>;

const minuteMs = 60_000;
const hourMs = 60 * minuteMs;
/** Azure issues user delegation keys for at most 7 days. */
const maxDelegationMs = 7 * 24 * hourMs;
/** Start times are set back a little: the device's or the storage service's clock may be behind ours. */
const clockSkewMs = 5 * minuteMs;

export function createPackageUrls(options: PackageUrlOptions): PackageUrlFor {
  const { service, containerName } = options;
  const validForMs = options.validForMs ?? 24 * hourMs;
  const now = options.now ?? (() => Date.now());
  const protocol = service.url.startsWith('https:') ? SASProtocol.Https : SASProtocol.HttpsAndHttp;
  const container = service.getContainerClient(containerName);
  const credential = service.credential;
  const delegationKey = credential instanceof StorageSharedKeyCredential ? undefined : delegationKeys(service, validForMs, now);
  if (delegationKey && validForMs > maxDelegationMs - clockSkewMs) throw new RangeError('SAS URLs signed with a user delegation key last at most 7 days.');

  return async (path) => {
    const at = now();
    const values = {
      containerName,
      blobName: path,
      permissions: BlobSASPermissions.parse('r'),
      startsOn: new Date(at - clockSkewMs),
      expiresOn: new Date(at + validForMs),
      protocol,
    };
    const sas = delegationKey
      ? generateBlobSASQueryParameters(values, await delegationKey(), service.accountName)
      : generateBlobSASQueryParameters(values, credential as StorageSharedKeyCredential);
    return `${container.getBlobClient(path).url}?${sas.toString()}`;
  };
}

/**
 * A user delegation key valid for twice the URL lifetime (at most 7 days), replaced once it could not cover a new
 * URL's whole lifetime. Concurrent callers share one request; a failed request is not kept.
 */
function delegationKeys(service: BlobServiceClient, validForMs: number, now: () => number): () => Promise<UserDelegationKey> {
  let cached: Promise<UserDelegationKey> | undefined;
  let expiresAt = 0;
  return () => {
    const at = now();
    if (!cached || expiresAt - at < validForMs + minuteMs) {
      expiresAt = at + Math.min(maxDelegationMs - minuteMs, 2 * validForMs + clockSkewMs);
      const request = service.getUserDelegationKey(new Date(at - clockSkewMs), new Date(expiresAt));
      cached = request;
      request.catch(() => {
        if (cached === request) cached = undefined;
      });
    }
    return cached;
  };
}
