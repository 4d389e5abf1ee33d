/**
 * The BlobCreated event (Event Grid schema) the `firmware-uploads` subscription delivers for an uploaded blob: what
 * CI's firmware upload looks like to the app. Shared by the reliability suite and the e2e tests.
 */
export function blobCreatedEvent(blobPath: string, contentLength: number, url: string) {
  return {
    id: `evt-${blobPath.replace(/[^A-Za-z0-9.-]/g, '-')}`, subject: `/blobServices/default/containers/firmware-uploads/blobs/${blobPath}`, eventType: 'Microsoft.Storage.BlobCreated',
    eventTime: new Date().toISOString(), dataVersion: '', metadataVersion: '1',
    data: { api: 'PutBlob', contentType: 'application/octet-stream', contentLength, blobType: 'BlockBlob', url },
  };
}
