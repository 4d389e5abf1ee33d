import { interpretEventGridRequest, type EventGridWebhookOutcome } from '../../../devhost/triggers/eventgrid-webhook';

const gridEvent = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'e-1',
  topic: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/fw',
  subject: '/blobServices/default/containers/firmware/blobs/v2.bin',
  eventType: 'Microsoft.Storage.BlobCreated',
  eventTime: '2024-05-01T10:00:00.1234567Z',
  data: { url: 'https://fw.blob.core.windows.net/firmware/v2.bin' },
  dataVersion: '',
  metadataVersion: '1',
  ...overrides,
});

const cloudEvent = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  specversion: '1.0',
  id: 'c-1',
  source: '/iot/devices',
  type: 'Ota.Device.Reported',
  time: '2024-05-01T10:00:00Z',
  data: { deviceId: 'd-7' },
  ...overrides,
});

const validationEvent = (overrides: Record<string, unknown> = {}): Record<string, unknown> =>
  gridEvent({
    eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
    subject: '',
    data: { validationCode: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6', validationUrl: 'https://example.invalid/validate' },
    dataVersion: '2',
    ...overrides,
  });

const notification = { 'aeg-event-type': 'Notification' };
const subscriptionValidation = { 'aeg-event-type': 'SubscriptionValidation' };

describe('interpretEventGridRequest: validation handshake', () => {
  it.each<[string, Record<string, string | undefined>, unknown, EventGridWebhookOutcome]>([
    ['array body', subscriptionValidation, [validationEvent()], { kind: 'validation', validationResponse: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6' }],
    ['single object body', subscriptionValidation, validationEvent(), { kind: 'validation', validationResponse: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6' }],
    ['header value in other case', { 'aeg-event-type': 'subscriptionvalidation' }, [validationEvent()], { kind: 'validation', validationResponse: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6' }],
    [
      'wrong event type',
      subscriptionValidation,
      [gridEvent()],
      { kind: 'invalid', detail: "event[0]: expected eventType 'Microsoft.EventGrid.SubscriptionValidationEvent' for SubscriptionValidation, got 'Microsoft.Storage.BlobCreated'" },
    ],
    ['missing validation code', subscriptionValidation, [validationEvent({ data: {} })], { kind: 'invalid', detail: "event[0]: missing 'data.validationCode'" }],
    ['data not an object', subscriptionValidation, [validationEvent({ data: 'code' })], { kind: 'invalid', detail: "event[0]: missing 'data.validationCode'" }],
    ['schema checked first', subscriptionValidation, [validationEvent({ id: undefined })], { kind: 'invalid', detail: "event[0]: missing 'id'" }],
    [
      'CloudEvents body',
      subscriptionValidation,
      [cloudEvent()],
      { kind: 'invalid', detail: expect.stringContaining('SubscriptionValidation expects the Event Grid schema') as string },
    ],
  ])('%s', (_name, headers, body, expected) => {
    expect(interpretEventGridRequest(headers, body)).toEqual(expected);
  });
});

describe('interpretEventGridRequest: notifications', () => {
  it.each<[string, Record<string, string | undefined>, unknown[] | Record<string, unknown>, 'EventGrid' | 'CloudEvents']>([
    ['Event Grid array', notification, [gridEvent(), gridEvent({ id: 'e-2' })], 'EventGrid'],
    ['Event Grid single object', notification, gridEvent(), 'EventGrid'],
    ['CloudEvents array', notification, [cloudEvent(), cloudEvent({ id: 'c-2', time: undefined })], 'CloudEvents'],
    ['CloudEvents single object', notification, cloudEvent(), 'CloudEvents'],
    ['absent header', {}, [gridEvent()], 'EventGrid'],
    ['header value in other case', { 'aeg-event-type': 'NOTIFICATION' }, [cloudEvent()], 'CloudEvents'],
    ['validation event as a notification', notification, [validationEvent()], 'EventGrid'],
    ['null data, extra fields', notification, [gridEvent({ data: null, custom: 1 })], 'EventGrid'],
    ['CloudEvent with data_base64 only', notification, [cloudEvent({ data: undefined, data_base64: 'AAE=' })], 'CloudEvents'],
  ])('%s', (_name, headers, body, schema) => {
    const outcome = interpretEventGridRequest(headers, body);
    const expected = Array.isArray(body) ? body : [body];
    expect(outcome).toEqual({ kind: 'events', schema, events: expected });
    // passed through unchanged: the very same objects
    if (outcome.kind === 'events') outcome.events.forEach((event, i) => expect(event).toBe(expected[i]));
  });
});

describe('interpretEventGridRequest: invalid requests', () => {
  it.each<[string, Record<string, string | undefined>, unknown, string]>([
    ['empty array', notification, [], 'the body is an empty array; expected at least one event'],
    ['null body', notification, null, 'the body must be a JSON object or an array of objects'],
    ['string body', notification, '[{"id":"1"}]', 'the body must be a JSON object or an array of objects'],
    ['number body', {}, 42, 'the body must be a JSON object or an array of objects'],
    ['non-object element', notification, [gridEvent(), 'x'], 'event[1]: not a JSON object'],
    ['nested array element', notification, [[gridEvent()]], 'event[0]: not a JSON object'],
    ['unknown header', { 'aeg-event-type': 'Unsubscribe' }, [gridEvent()], "unsupported aeg-event-type 'Unsubscribe' (expected 'SubscriptionValidation' or 'Notification')"],
    ['EG: missing id', notification, [gridEvent({ id: undefined })], "event[0]: missing 'id'"],
    ['EG: empty id', notification, [gridEvent({ id: '' })], "event[0]: 'id' must be a non-empty string"],
    ['EG: missing eventType', notification, [gridEvent(), gridEvent({ eventType: undefined })], "event[1]: missing 'eventType'"],
    ['EG: null eventType', notification, [gridEvent({ eventType: null })], "event[0]: missing 'eventType'"],
    ['EG: numeric subject', notification, [gridEvent({ subject: 7 })], "event[0]: 'subject' must be a string"],
    ['EG: missing subject', notification, [gridEvent({ subject: undefined })], "event[0]: missing 'subject'"],
    ['EG: missing eventTime', notification, [gridEvent({ eventTime: undefined })], "event[0]: missing 'eventTime'"],
    ['EG: bad eventTime', notification, [gridEvent({ eventTime: 'yesterday' })], "event[0]: 'eventTime' must be an ISO 8601 date-time (e.g. 2024-01-01T00:00:00Z)"],
    ['EG: impossible eventTime', notification, [gridEvent({ eventTime: '2024-13-01T00:00:00Z' })], "event[0]: 'eventTime' must be an ISO 8601 date-time (e.g. 2024-01-01T00:00:00Z)"],
    ['EG: missing data', notification, [gridEvent({ data: undefined })], "event[0]: missing 'data'"],
    ['EG: missing dataVersion', notification, [gridEvent({ dataVersion: undefined })], "event[0]: missing 'dataVersion'"],
    ['CE: missing id', notification, [cloudEvent({ id: undefined })], "event[0]: missing 'id'"],
    ['CE: missing source', notification, [cloudEvent(), cloudEvent(), cloudEvent({ source: undefined })], "event[2]: missing 'source'"],
    ['CE: empty type', notification, [cloudEvent({ type: '' })], "event[0]: 'type' must be a non-empty string"],
    ['CE: old specversion', notification, [cloudEvent({ specversion: '0.3' })], "event[0]: unsupported specversion '0.3' (expected '1.0')"],
    ['CE: bad time', notification, [cloudEvent({ time: 1714557600 })], "event[0]: 'time' must be an ISO 8601 date-time (e.g. 2024-01-01T00:00:00Z)"],
    ['CE: data and data_base64', notification, [cloudEvent({ data_base64: 'AAE=' })], "event[0]: has both 'data' and 'data_base64'"],
    ['mixed schemas', notification, [gridEvent(), cloudEvent()], 'event[1]: uses the CloudEvents schema but event[0] uses EventGrid'],
  ])('%s', (_name, headers, body, detail) => {
    expect(interpretEventGridRequest(headers, body)).toEqual({ kind: 'invalid', detail });
  });
});
