import { HttpRequest, InvocationContext, type HttpResponseInit } from '@azure/functions';
import type { HealthProbe } from '../../../domain/health';
import { createHealthHandler } from '../../../functions/health';

const healthy: HealthProbe = { check: async () => undefined };
const failing = (err: unknown): HealthProbe => ({ check: async () => Promise.reject(err) });

async function callHealth(probes: Record<string, HealthProbe>, timeoutMs = 1_000): Promise<HttpResponseInit> {
  const logs: unknown[][] = [];
  const handler = createHealthHandler({ version: '1.2.3', probes, timeoutMs });
  const request = new HttpRequest({ method: 'GET', url: 'http://127.0.0.1/api/health' });
  const context = new InvocationContext({ functionName: 'health', logHandler: (_level, ...args) => logs.push(args) });
  return (await handler(request, context)) as HttpResponseInit;
}

describe('GET /api/health', () => {
  it('is Healthy when every dependency answers', async () => {
    const response = await callHealth({ blob: healthy, cosmos: healthy });

    expect(response.status).toBe(200);
    expect(response.jsonBody).toEqual({
      status: 'Healthy',
      version: '1.2.3',
      dependencies: { blob: { status: 'Healthy' }, cosmos: { status: 'Healthy' } },
    });
  });

  it('is Degraded, still 200, when a dependency fails, with a short reason and no message', async () => {
    const sdkError = Object.assign(new Error('secret-ish http://internal.example/path'), {
      statusCode: 403,
      code: 'AuthorizationPermissionMismatch',
    });

    const response = await callHealth({ blob: failing(sdkError), cosmos: healthy });

    expect(response.status).toBe(200);
    expect(response.jsonBody).toEqual({
      status: 'Degraded',
      version: '1.2.3',
      dependencies: {
        blob: { status: 'Unhealthy', detail: 'HTTP 403 AuthorizationPermissionMismatch' },
        cosmos: { status: 'Healthy' },
      },
    });
  });

  it('reports a connection error by its code', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });

    const response = await callHealth({ blob: healthy, cosmos: failing(refused) });

    expect(response.jsonBody.dependencies.cosmos).toEqual({ status: 'Unhealthy', detail: 'ECONNREFUSED' });
  });

  it('gives up on a hanging probe after the timeout and aborts it', async () => {
    let signalled: AbortSignal | undefined;
    const hanging: HealthProbe = {
      check: (signal) => {
        signalled = signal;
        return new Promise(() => undefined);
      },
    };

    const started = process.hrtime.bigint();
    const response = await callHealth({ blob: healthy, cosmos: hanging }, 50);
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;

    expect(elapsedMs).toBeLessThan(1_000);
    expect(signalled?.aborted).toBe(true);
    expect(response.jsonBody).toMatchObject({
      status: 'Degraded',
      dependencies: { cosmos: { status: 'Unhealthy', detail: 'timed out after 50 ms' } },
    });
  });

  it('runs the probes in parallel', async () => {
    const slow: HealthProbe = { check: () => new Promise((resolve) => setTimeout(resolve, 200)) };

    const started = process.hrtime.bigint();
    const response = await callHealth({ blob: slow, cosmos: slow });
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;

    expect(response.jsonBody.status).toBe('Healthy');
    expect(elapsedMs).toBeLessThan(390);
  });
});
