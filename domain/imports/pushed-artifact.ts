/**
 * Turns an Event Grid event (Event Grid or CloudEvents schema) into what was pushed, or says why it imports
 * nothing. Pure: the Event Grid functions call it at the edge.
 */
export type PushedArtifact =
  | { kind: 'image'; eventId: string; eventType: string; subject: string; registry: string; repository: string; tag: string; digest: string; sizeInBytes: number; pushedBy: string }
  | { kind: 'blob'; eventId: string; eventType: string; subject: string; container: string; blobPath: string; url: string; sizeInBytes: number; pushedBy: string };

export type ParsedEvent = { ok: true; artifact: PushedArtifact } | { ok: false; eventId: string; eventType: string; subject: string; reason: string };

export const eventTypes = {
  imagePushed: 'Microsoft.ContainerRegistry.ImagePushed',
  blobCreated: 'Microsoft.Storage.BlobCreated',
} as const;
export type ImportEventType = (typeof eventTypes)[keyof typeof eventTypes];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** Reads a dotted path, naming the first missing field. */
function field(root: Json, path: string): { value: unknown } | { missing: string } {
  let current: unknown = root;
  for (const key of path.split('.')) {
    if (!isObject(current) || !(key in current)) return { missing: path };
    current = current[key];
  }
  return { value: current };
}

export function parsePushedArtifact(event: unknown, expectedType: ImportEventType, firmwareContainer: string): ParsedEvent {
  if (!isObject(event)) return { ok: false, eventId: '', eventType: '', subject: '', reason: 'malformed event: not a JSON object' };
  const eventId = text(event.id) ?? '';
  const eventType = text(event.eventType) ?? text(event.type) ?? '';
  const subject = text(event.subject) ?? '';
  const refuse = (reason: string): ParsedEvent => ({ ok: false, eventId, eventType, subject, reason });
  if (!eventId) return refuse("malformed event: missing 'id'");
  if (!eventType) return refuse("malformed event: missing 'eventType' (or CloudEvents 'type')");
  if (eventType !== expectedType) return refuse(`unsupported event type '${eventType}' (this function imports ${expectedType})`);
  const data = event.data;
  if (!isObject(data)) return refuse("malformed event: missing 'data'");

  if (expectedType === eventTypes.imagePushed) {
    const needed = ['target.repository', 'target.tag', 'target.digest', 'request.host'] as const;
    for (const path of needed) {
      const found = field(data, path);
      if ('missing' in found || !text(found.value)) return refuse(`malformed event: missing 'data.${path}'`);
    }
    const target = data.target as Json;
    const digest = String(target.digest);
    if (!/^sha256:[0-9a-f]{64}$/.test(digest)) return refuse(`malformed event: 'data.target.digest' is not a sha256 digest: ${digest}`);
    return {
      ok: true,
      artifact: {
        kind: 'image', eventId, eventType, subject, registry: String((data.request as Json).host), repository: String(target.repository),
        tag: String(target.tag), digest, sizeInBytes: Number(target.size ?? target.length ?? 0), pushedBy: text((data.actor as Json | undefined)?.name) ?? 'unknown',
      },
    };
  }

  const match = /^\/blobServices\/default\/containers\/([^/]+)\/blobs\/(.+)$/.exec(subject);
  if (!match) return refuse(`malformed event: subject '${subject}' is not /blobServices/default/containers/{container}/blobs/{path}`);
  const [, container, blobPath] = match as unknown as [string, string, string];
  if (container !== firmwareContainer) return refuse(`blob container '${container}' is not the firmware upload container '${firmwareContainer}'`);
  const url = text(data.url);
  if (!url) return refuse("malformed event: missing 'data.url'");
  return {
    ok: true,
    artifact: {
      kind: 'blob', eventId, eventType, subject, container, blobPath, url, sizeInBytes: Number(data.contentLength ?? 0),
      pushedBy: text(data.identity) ?? text(data.principalId) ?? 'unknown',
    },
  };
}

/** The version an artifact carries: the image tag, or the file name's x.y.z (e.g. `line-controller-2.1.0.swu`). */
export function versionOf(artifact: PushedArtifact): { version: string } | { reason: string } {
  const semver = /^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/;
  if (artifact.kind === 'image') {
    const match = semver.exec(artifact.tag);
    return match ? { version: match[1]! } : { reason: `tag '${artifact.tag}' is not a semantic version (x.y.z)` };
  }
  const fileName = artifact.blobPath.split('/').pop() ?? '';
  const match = /(?:^|[-_])v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*)?)(?:\.[A-Za-z0-9]+)?$/.exec(fileName);
  return match ? { version: match[1]! } : { reason: `file name '${fileName}' carries no semantic version (expected e.g. name-1.2.3.bin)` };
}
