/** Fleet profiles, updates and rollout bodies shared by the rollout scenarios. */
import type { LocalStack } from '../../support/local-stack';

export const lineController = (version = '2.0.0') => ({ provider: 'contoso', name: 'line-controller', version });

export async function registerUpdate(stack: LocalStack, version = '2.0.0', models = ['ctl-a', 'ctl-b']): Promise<void> {
  const { status, body } = await stack.api('POST', 'updates', {
    updateId: lineController(version),
    compatibility: models.map((model) => ({ model })),
    files: [{ fileName: `line-controller-${version}.swu`, sizeInBytes: 1024, hashes: { sha256: 'bm90LWEtcmVhbC1oYXNo' } }],
  });
  if (status !== 201) throw new Error(`registering the update failed: ${status} ${JSON.stringify(body)}`);
}

export const twoSiteFleet = (behaviors: unknown[] = []) => ({
  devices: [
    { count: 120, idPrefix: 'a-', tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '1.0.0' },
    { count: 80, idPrefix: 'b-', tags: { site: 'plant-b', model: 'ctl-b' }, installedVersion: '1.0.0' },
  ],
  behaviors,
});

export const rolloutBody = (overrides: Record<string, unknown> = {}) => ({
  updateId: lineController(),
  target: { query: "tags.site IN ['plant-a', 'plant-b']" },
  canary: { devices: 10 },
  canarySoak: 'PT30M',
  waves: [{ percent: 25, soak: 'PT1H' }, { percent: 60, soak: 'PT1H' }, { percent: 100, soak: 'PT1H' }],
  healthCheckInterval: 'PT5M',
  deviceTimeout: 'PT30M',
  failureThreshold: { percent: 5, minDevices: 5 },
  ...overrides,
});
