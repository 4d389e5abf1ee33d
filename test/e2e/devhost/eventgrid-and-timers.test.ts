/** Event Grid webhook and NCRONTAB timer triggers on the devhost. */
import { eventually, json, startDevhost, type DevhostProcess } from '../../support/devhost-process';

let host: DevhostProcess;
beforeAll(async () => { host = await startDevhost(); });
afterAll(async () => { await host?.stop(); });

const webhook = (name: string) => `${host.url}/runtime/webhooks/eventgrid?functionName=${name}`;
const send = (name: string, body: unknown, type = 'Notification') =>
  json(webhook(name), { method: 'POST', headers: { 'content-type': 'application/json', 'aeg-event-type': type }, body: JSON.stringify(body) });

const gridEvent = (id: string) => ({
  id, topic: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr', subject: 'edge/app:1.0.0',
  eventType: 'Microsoft.ContainerRegistry.ImagePushed', eventTime: '2026-11-25T10:00:00Z', data: { action: 'push' }, dataVersion: '1.0', metadataVersion: '1',
});

describe('Event Grid trigger', () => {
  it('answers the subscription validation handshake with the code', async () => {
    const { status, body } = await send('onEvent', [{
      id: 'v', topic: 't', subject: 's', eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent', eventTime: '2026-11-25T10:00:00Z',
      data: { validationCode: 'code-123' }, dataVersion: '1', metadataVersion: '1',
    }], 'SubscriptionValidation');
    expect(status).toBe(200);
    expect(body).toEqual({ validationResponse: 'code-123' });
  });

  it('answers the CloudEvents OPTIONS handshake', async () => {
    const res = await fetch(webhook('onEvent'), { method: 'OPTIONS', headers: { 'WebHook-Request-Origin': 'eventgrid.azure.net' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('webhook-allowed-origin')).toBe('eventgrid.azure.net');
  });

  it('invokes the function once per event of an Event Grid array and of a CloudEvent', async () => {
    expect((await send('onEvent', [gridEvent('e1'), gridEvent('e2')])).status).toBeLessThan(300);
    const cloudEvent = { specversion: '1.0', id: 'c1', source: '/registries/acr', type: 'Microsoft.ContainerRegistry.ImagePushed', data: { action: 'push' } };
    expect((await send('onEvent', cloudEvent)).status).toBeLessThan(300);
    const { body } = await json(`${host.url}/api/received`);
    expect(body.events.map((e: { id: string }) => e.id)).toEqual(['e1', 'e2', 'c1']);
    expect(body.events[0].eventType).toBe('Microsoft.ContainerRegistry.ImagePushed');
  });

  it('refuses malformed events with 400 naming the field, and invokes nothing', async () => {
    const bad = { ...gridEvent('e3'), eventType: undefined };
    const { status, body } = await send('onEvent', [bad]);
    expect(status).toBe(400);
    expect(body.detail).toMatch(/eventType/);
    expect((await json(`${host.url}/api/received`)).body.events.map((e: { id: string }) => e.id)).not.toContain('e3');
  });

  it('answers 404 for an unknown function and 5xx when the function fails (so Event Grid retries)', async () => {
    expect((await send('noSuchFunction', [gridEvent('x')])).status).toBe(404);
    expect((await send('onEventFails', [gridEvent('x')])).status).toBe(500);
  });
});

describe('timer trigger', () => {
  it('fires on its 6-field NCRONTAB schedule taken from an app setting', async () => {
    const ticks = await eventually(async () => {
      const { body } = await json(`${host.url}/api/received`);
      return body.ticks >= 2 ? body : undefined;
    }, 10000, 'two ticks');
    expect(ticks.lastTimer.scheduleStatus.next).toBeDefined();
    expect(ticks.lastTimer.isPastDue).toBe(false);
  });
});
