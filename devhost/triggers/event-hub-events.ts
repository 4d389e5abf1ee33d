/**
 * The devhost's Event Hubs delivery API: `POST /admin/eventhubs/{eventHubName}/partitions/{partitionId}/events` with
 * a JSON array of events, as a partition of an event hub holds them. Validated here; every error names the field.
 */
import { z } from 'zod';

/** Larger requests are refused with 413 (Event Hubs' own batch limit is 1 MB; senders split well below this). */
export const maxDeliveryBytes = 8 * 1024 * 1024;
export const maxDeliveryEvents = 5000;

const base64 = /^[A-Za-z0-9+/]*={0,2}$/;
const propertyValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const eventSchema = z.strictObject({
  body: z.string().regex(base64, { error: 'must be base64' }).refine((text) => text.length % 4 === 0, { error: 'must be base64 (length a multiple of 4)' }),
  properties: z.record(z.string(), propertyValue).default({}),
  systemProperties: z.record(z.string(), propertyValue).default({}),
  enqueuedTimeUtc: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2030-01-01T00:00:00.000Z' }),
  sequenceNumber: z.number().int({ error: 'must be a whole number' }).min(0, { error: 'must be ≥ 0' }),
  offset: z.string().regex(/^\d+$/, { error: 'must be a string of digits' }),
  partitionKey: z.string().nullable().optional(),
});

export type PartitionEvent = z.output<typeof eventSchema>;
export type PropertyValue = z.output<typeof propertyValue>;

const deliverySchema = z.array(eventSchema).max(maxDeliveryEvents, { error: `holds more than ${maxDeliveryEvents} events` });

export type DeliveryParse = { ok: true; events: PartitionEvent[] } | { ok: false; status: 400 | 413; detail: string };

/** Reads a request body: 413 when too large, 400 naming the first bad field, else the events in order. */
export function parseDelivery(body: Buffer): DeliveryParse {
  if (body.length > maxDeliveryBytes) return { ok: false, status: 413, detail: `The request holds ${body.length} bytes; at most ${maxDeliveryBytes} are accepted.` };
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, status: 400, detail: 'The body is not valid JSON; send a JSON array of events.' };
  }
  if (Array.isArray(json) && json.length > maxDeliveryEvents) {
    return { ok: false, status: 413, detail: `The request holds ${json.length} events; at most ${maxDeliveryEvents} are accepted.` };
  }
  return validateEvents(json);
}

export function validateEvents(json: unknown): DeliveryParse {
  const result = deliverySchema.safeParse(json, { error: describeIssue });
  if (result.success) return { ok: true, events: result.data };
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') return { ok: false, status: 400, detail: `${formatPath([...issue.path, issue.keys[0]!])} is not a known field` };
  return { ok: false, status: 400, detail: `${formatPath(issue.path)} ${issue.message}` };
}

function describeIssue(issue: { code?: string; input?: unknown; expected?: string }): string | undefined {
  if (issue.code !== 'invalid_type') return undefined;
  if (issue.input === undefined) return 'is required';
  return `must be ${issue.expected === 'array' ? 'a JSON array of events' : `a ${String(issue.expected)}`}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'body';
  return path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('').replace(/^\./, '').replace(/^\[/, 'events[');
}
