/**
 * The edge of the telemetry pipeline: a batch from IoT Hub's Event Hubs-compatible endpoint (an `eventHub` trigger
 * with cardinality `many`) becomes health samples, rejected messages and the partition's progress. Nothing here
 * throws for a device's mistake: a bad message is rejected with the reason, the rest of the batch goes on.
 */
import { z } from 'zod';
import type { HealthSample, RejectedMessage, TelemetryProgress } from '../../domain/telemetry/health-sample';

/** The contract's health message (docs/device-twin-contract.md, "Health telemetry"). */
const healthMessageSchema = z.object({
  type: z.literal('health'),
  version: z.string().min(1).max(128),
  healthy: z.boolean(),
  at: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }),
  metrics: z.record(z.string().min(1).max(64), z.number().finite({ error: 'must be a finite number' }))
    .refine((m) => Object.keys(m).length <= 32, 'at most 32 metrics')
    .default({}),
});

export interface ParsedBatch {
  samples: HealthSample[];
  rejected: RejectedMessage[];
  /** Messages of other types (the device's own business). */
  ignored: number;
  progress: TelemetryProgress | undefined;
}

type Metadata = Record<string, unknown>;

const maxExcerpt = 512;

export function parseHealthBatch(messages: readonly unknown[], metadata: Metadata | undefined): ParsedBatch {
  const systemProperties = arrayOf(metadata, 'systemPropertiesArray');
  const properties = arrayOf(metadata, 'propertiesArray');
  const enqueuedTimes = arrayOf(metadata, 'enqueuedTimeUtcArray');
  const sequenceNumbers = arrayOf(metadata, 'sequenceNumberArray');
  const partitionId = partitionOf(metadata);
  const batch: ParsedBatch = { samples: [], rejected: [], ignored: 0, progress: undefined };

  messages.forEach((message, i) => {
    const system = record(systemProperties[i]);
    const deviceId = text(system['iothub-connection-device-id']);
    const receivedAt = isoTime(enqueuedTimes[i]) ?? isoTime(system['iothub-enqueuedtime']);
    const id = `${partitionId ?? '?'}:${text(sequenceNumbers[i]) ?? String(system['x-opt-sequence-number'] ?? `${receivedAt ?? ''}:${deviceId ?? ''}:${i}`)}`;
    if (receivedAt && (!batch.progress || receivedAt > batch.progress.receivedAt)) batch.progress = { partitionId: partitionId ?? '0', receivedAt };

    const body = decode(message);
    const type = record(body.value)['type'] ?? record(properties[i])['type'];
    if (type !== 'health') {
      if (body.value === undefined || type === undefined) {
        // Not even an object with a type: nobody can tell what it was meant to be.
        batch.rejected.push({ id, deviceId, receivedAt: receivedAt ?? '', reason: body.problem ?? 'the message has no "type"', excerpt: body.excerpt });
      } else batch.ignored++;
      return;
    }
    const problems: string[] = [];
    if (!deviceId) problems.push('system property iothub-connection-device-id is missing');
    if (!receivedAt) problems.push('the enqueued time is missing');
    const parsed = healthMessageSchema.safeParse(body.value);
    if (body.problem) problems.push(body.problem);
    else if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'} ${issue.message}`));
    if (problems.length > 0 || !parsed.success) {
      batch.rejected.push({ id, deviceId, receivedAt: receivedAt ?? '', reason: problems.join('; '), excerpt: body.excerpt });
      return;
    }
    const { version, healthy, at, metrics } = parsed.data;
    batch.samples.push({ deviceId: deviceId!, version, healthy, at: new Date(at).toISOString(), receivedAt: receivedAt!, metrics });
  });
  return batch;
}

/** The body as the Functions worker hands it over: parsed JSON, a string, or bytes. */
function decode(message: unknown): { value: unknown; excerpt: string; problem?: string } {
  let value = message;
  if (value instanceof Uint8Array) value = Buffer.from(value).toString('utf8');
  if (typeof value === 'string') {
    const excerpt = value.slice(0, maxExcerpt);
    try {
      return { value: JSON.parse(value), excerpt };
    } catch {
      return { value: undefined, excerpt, problem: 'the body is not JSON' };
    }
  }
  let excerpt: string;
  try {
    excerpt = (JSON.stringify(value) ?? String(value)).slice(0, maxExcerpt);
  } catch {
    excerpt = String(value).slice(0, maxExcerpt);
  }
  return { value, excerpt };
}

function arrayOf(metadata: Metadata | undefined, key: string): unknown[] {
  const value = metadata?.[key];
  return Array.isArray(value) ? value : [];
}

function partitionOf(metadata: Metadata | undefined): string | undefined {
  const context = record(metadata?.['partitionContext']);
  return text(context['partitionId'] ?? context['PartitionId']);
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function isoTime(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
