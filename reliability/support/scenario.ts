/** The fleet, update and rollout shapes the reliability parts share (small enough for 2 cores, big enough for 3 waves). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Stack } from './stack';

export const updateId = { provider: 'contoso', name: 'line-controller', version: '2.0.0' };
export const approver = 'ops-lead@contoso.com';
export const finalStatuses = ['Completed', 'RolledBack', 'Cancelled', 'Rejected', 'Expired', 'Failed'] as const;

/** `count` devices over two sites and models, all on 1.0.0; `behaviors` as in fleet profiles. */
export function fleet(count: number, behaviors: unknown[] = []) {
  const a = Math.ceil(count * 0.6);
  return {
    devices: [
      { count: a, idPrefix: 'a-', tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '1.0.0' },
      { count: count - a, idPrefix: 'b-', tags: { site: 'plant-b', model: 'ctl-b' }, installedVersion: '1.0.0' },
    ],
    behaviors,
  };
}

export function deviceIds(count: number): string[] {
  const a = Math.ceil(count * 0.6);
  return [...Array.from({ length: a }, (_, i) => `a-${i}`), ...Array.from({ length: count - a }, (_, i) => `b-${i}`)];
}

/**
 * A temp folder for one part; `remove()` deletes it (call it in finally). Stacks get `<dir>/data` as --data even when
 * nothing must survive a restart: start-local then keeps its keys and event log there, not in temp folders of its own.
 */
export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function writeProfile(dir: string, profile: unknown): string {
  const file = path.join(dir, 'fleet.json');
  fs.writeFileSync(file, JSON.stringify(profile));
  return file;
}

export async function registerUpdate(stack: Stack): Promise<void> {
  const { status, body } = await stack.api('POST', 'updates', {
    updateId,
    compatibility: [{ model: 'ctl-a' }, { model: 'ctl-b' }],
    files: [{ fileName: 'line-controller-2.0.0.swu', sizeInBytes: 1024, hashes: { sha256: 'bm90LWEtcmVhbC1oYXNo' } }],
  });
  if (status !== 201 && status !== 409) throw new Error(`registering the update failed: ${status} ${JSON.stringify(body)}`);
}

export const rolloutBody = (overrides: Record<string, unknown> = {}) => ({
  updateId,
  target: { query: "tags.site IN ['plant-a', 'plant-b']" },
  canary: { devices: 10 },
  canarySoak: 'PT30M',
  waves: [{ percent: 25, soak: 'PT1H' }, { percent: 60, soak: 'PT1H' }, { percent: 100, soak: 'PT1H' }],
  healthCheckInterval: 'PT5M',
  deviceTimeout: 'PT30M',
  failureThreshold: { percent: 5, minDevices: 5 },
  ...overrides,
});
