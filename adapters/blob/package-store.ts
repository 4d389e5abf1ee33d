/** PackageStore on Blob storage: update files, deltas and signed manifests under one container. */
import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import type { PackageStore } from '../../domain/imports/import-ports';

export class BlobPackageStore implements PackageStore {
  private readonly container: ContainerClient;
  private ensured: Promise<unknown> | undefined;

  constructor(private readonly service: BlobServiceClient, containerName: string) {
    this.container = service.getContainerClient(containerName);
  }

  /** Reads an uploaded blob by its URL, through this app's own credentials (the URL names container and path). */
  async readUpload(url: string): Promise<Uint8Array> {
    const { container, blob } = locate(url, this.service.url);
    try {
      return await this.service.getContainerClient(container).getBlobClient(blob).downloadToBuffer();
    } catch (err) {
      // The SDK's message can be a bare 'RestError' (no body on a 404): the import record must say what happened.
      const { statusCode, code } = err as { statusCode?: number; code?: string };
      if (statusCode === undefined) throw err;
      throw new Error(`the uploaded blob ${container}/${blob} cannot be read: ${statusCode}${code ? ` ${code}` : ''}`, { cause: err });
    }
  }

  async put(path: string, bytes: Uint8Array, contentType: string): Promise<{ url: string }> {
    this.ensured ??= this.container.createIfNotExists();
    await this.ensured;
    const blob = this.container.getBlockBlobClient(path);
    await blob.uploadData(bytes, { blobHTTPHeaders: { blobContentType: contentType } });
    return { url: blob.url };
  }

  async get(path: string): Promise<Uint8Array | undefined> {
    const blob = this.container.getBlobClient(path);
    if (!(await blob.exists())) return undefined;
    return blob.downloadToBuffer();
  }
}

/** Container and blob name of a blob URL of this account (path-style URLs, as Azurite's, included). */
function locate(url: string, serviceUrl: string): { container: string; blob: string } {
  const service = new URL(serviceUrl);
  const target = new URL(url);
  const servicePath = service.pathname.replace(/\/+$/, '');
  const path = decodeURIComponent(target.pathname.startsWith(servicePath) ? target.pathname.slice(servicePath.length) : target.pathname).replace(/^\/+/, '');
  const [container, ...rest] = path.split('/');
  if (!container || rest.length === 0) throw new Error(`'${url}' is not a blob URL of ${serviceUrl}`);
  return { container, blob: rest.join('/') };
}
