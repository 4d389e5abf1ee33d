/**
 * What the Functions Event Grid extension does with `POST /runtime/webhooks/eventgrid?functionName=X`:
 * answer the subscription validation handshake, or accept a batch of events (Event Grid schema
 * or CloudEvents 1.0) that the host then hands to the function one by one.
 */

export type EventGridWebhookOutcome =
  | { kind: 'validation'; validationResponse: string }
  | { kind: 'events'; schema: 'EventGrid' | 'CloudEvents'; events: Record<string, unknown>[] }
  | { kind: 'invalid'; detail: string };

type Schema = 'EventGrid' | 'CloudEvents';
type EventRecord = Record<string, unknown>;

const VALIDATION_EVENT_TYPE = 'Microsoft.EventGrid.SubscriptionValidationEvent';
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$/i;

/**
 * `headers` have lower-cased keys; `body` is the parsed JSON. Events are returned as the very
 * objects of the body, unchanged, since each becomes a trigger value as delivered.
 */
export function interpretEventGridRequest(headers: Record<string, string | undefined>, body: unknown): EventGridWebhookOutcome {
  const header = headers['aeg-event-type'];
  const validation = header?.toLowerCase() === 'subscriptionvalidation';
  // Event Grid always sets the header; a missing one (hand-made requests) is read as a notification.
  if (header !== undefined && !validation && header.toLowerCase() !== 'notification') {
    return invalid(`unsupported aeg-event-type '${header}' (expected 'SubscriptionValidation' or 'Notification')`);
  }

  if (!Array.isArray(body) && !isRecord(body)) return invalid('the body must be a JSON object or an array of objects');
  const events: unknown[] = Array.isArray(body) ? body : [body];
  if (events.length === 0) return invalid('the body is an empty array; expected at least one event');

  let schema: Schema | undefined;
  for (const [index, event] of events.entries()) {
    if (!isRecord(event)) return invalid(`event[${index}]: not a JSON object`);
    const own: Schema = event.specversion !== undefined ? 'CloudEvents' : 'EventGrid';
    schema ??= own;
    if (own !== schema) return invalid(`event[${index}]: uses the ${own} schema but event[0] uses ${schema}`);
    const problem = own === 'CloudEvents' ? cloudEventProblem(event) : eventGridProblem(event);
    if (problem) return invalid(`event[${index}]: ${problem}`);
  }
  const records = events as EventRecord[];
  if (!validation) return { kind: 'events', schema: schema ?? 'EventGrid', events: records };
  return validationOutcome(records, schema);
}

/** The extension answers with the first event's `data.validationCode`. */
function validationOutcome(events: EventRecord[], schema: Schema | undefined): EventGridWebhookOutcome {
  if (schema === 'CloudEvents') {
    return invalid('SubscriptionValidation expects the Event Grid schema (CloudEvents subscriptions validate with an OPTIONS handshake)');
  }
  const [first] = events;
  if (first?.eventType !== VALIDATION_EVENT_TYPE) {
    return invalid(`event[0]: expected eventType '${VALIDATION_EVENT_TYPE}' for SubscriptionValidation, got '${String(first?.eventType)}'`);
  }
  const code = isRecord(first.data) ? first.data.validationCode : undefined;
  if (typeof code !== 'string' || code === '') return invalid("event[0]: missing 'data.validationCode'");
  return { kind: 'validation', validationResponse: code };
}

/** Required by the Event Grid event schema: id, eventType, subject, eventTime, data, dataVersion. */
function eventGridProblem(event: EventRecord): string | undefined {
  return (
    stringProblem(event, 'id', true) ??
    stringProblem(event, 'eventType', true) ??
    stringProblem(event, 'subject', false) ??
    timeProblem(event, 'eventTime', true) ??
    (event.data === undefined ? "missing 'data'" : undefined) ??
    stringProblem(event, 'dataVersion', false)
  );
}

/** Required CloudEvents 1.0 attributes: id, source, specversion, type; `time` must be RFC 3339 if present. */
function cloudEventProblem(event: EventRecord): string | undefined {
  if (event.specversion !== '1.0') return `unsupported specversion '${String(event.specversion)}' (expected '1.0')`;
  return (
    stringProblem(event, 'id', true) ??
    stringProblem(event, 'source', true) ??
    stringProblem(event, 'type', true) ??
    timeProblem(event, 'time', false) ??
    (event.data !== undefined && event.data_base64 !== undefined ? "has both 'data' and 'data_base64'" : undefined)
  );
}

function stringProblem(event: EventRecord, field: string, nonEmpty: boolean): string | undefined {
  const value = event[field];
  if (value === undefined || value === null) return `missing '${field}'`;
  if (typeof value !== 'string' || (nonEmpty && value === '')) return `'${field}' must be a ${nonEmpty ? 'non-empty ' : ''}string`;
  return undefined;
}

function timeProblem(event: EventRecord, field: string, required: boolean): string | undefined {
  const value = event[field];
  if (value === undefined && !required) return undefined;
  if (value === undefined || value === null) return `missing '${field}'`;
  if (typeof value !== 'string' || !DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    return `'${field}' must be an ISO 8601 date-time (e.g. 2024-01-01T00:00:00Z)`;
  }
  return undefined;
}

function isRecord(value: unknown): value is EventRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(detail: string): EventGridWebhookOutcome {
  return { kind: 'invalid', detail };
}
