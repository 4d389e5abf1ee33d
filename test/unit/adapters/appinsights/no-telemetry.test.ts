/**
 * Telemetry off: with an empty connection string the app gets the no-op port, and using it sends nothing and starts
 * nothing (no OpenTelemetry provider registered, `http` not patched, no request reaches an ingestion endpoint).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace, ProxyTracerProvider } from '@opentelemetry/api';
import { createObservability } from '../../../../adapters/appinsights/create-observability';
import { noObservability } from '../../../../domain/observability/observability-port';
import { readConfig } from '../../../../functions/config';

const required = { BLOB_CONNECTION_STRING: 'UseDevelopmentStorage=true', COSMOS_ENDPOINT: 'http://127.0.0.1:8081/', COSMOS_DATABASE: 'ota', IOTHUB_HOSTNAME: 'hub.azure-devices.net' };

describe('telemetry with an empty APPLICATIONINSIGHTS_CONNECTION_STRING', () => {
  let server: http.Server;
  let requests = 0;
  beforeAll(async () => {
    server = http.createServer((_req, res) => { requests++; res.end(); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => { await new Promise((resolve) => server.close(resolve)); });

  it('reads an empty or blank setting as off', () => {
    expect(readConfig({ ...required, APPLICATIONINSIGHTS_CONNECTION_STRING: '' }).appInsights).toEqual({});
    expect(readConfig({ ...required, APPLICATIONINSIGHTS_CONNECTION_STRING: '  ' }).appInsights).toEqual({});
    expect(readConfig({ ...required, APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=x' }).appInsights).toEqual({ connectionString: 'InstrumentationKey=x' });
  });

  it('sends nothing and starts nothing', async () => {
    const observability = createObservability(readConfig({ ...required, APPLICATIONINSIGHTS_CONNECTION_STRING: '' }).appInsights.connectionString);
    expect(observability).toBe(noObservability);

    const { port } = server.address() as AddressInfo;
    observability.event('ota.rollout.created', { wave: 0 }, 'ro-1');
    observability.metric('ota.devices.dispatched', 10, { wave: 0 }, 'ro-1');
    // Work inside a rollout runs as it is, and its HTTP calls are not traced.
    const answer = await observability.withinRollout('ro-1', () => fetch(`http://127.0.0.1:${port}/`).then((r) => r.status));
    await observability.flush();

    expect(answer).toBe(200);
    expect(requests).toBe(1); // only the call made above
    expect((trace.getTracerProvider() as ProxyTracerProvider).getDelegate().constructor.name).toBe('NoopTracerProvider');
    expect('__wrapped' in http.request).toBe(false);
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
