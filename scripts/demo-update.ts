/**
 * The demo fleet's update, contoso/line-controller 2.0.0 for models ctl-a and ctl-b: `npm start` registers it when
 * it runs the built-in demo fleet, so a rollout can be created right away (`npm run demo` relies on it).
 */
import { principalHeaders } from './local-principal';
import { createHash } from 'node:crypto';

export const demoUpdateId = { provider: 'contoso', name: 'line-controller', version: '2.0.0' } as const;

// No file is uploaded anywhere; size and hash still describe the same bytes, as they would for a real image.
const image = Buffer.alloc(2 * 1024 * 1024, 'contoso line-controller 2.0.0\n');

export const demoUpdate = {
  updateId: demoUpdateId,
  compatibility: [{ model: 'ctl-a' }, { model: 'ctl-b' }],
  files: [{
    fileName: 'line-controller-2.0.0.swu',
    sizeInBytes: image.length,
    hashes: { sha256: createHash('sha256').update(image).digest('base64') },
  }],
};

/** POST /api/updates; an update registered already (a restart with --data) is as good as a new one. */
export async function registerDemoUpdate(baseUrl: string): Promise<'registered' | 'exists'> {
  const res = await fetch(`${baseUrl}/api/updates`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...principalHeaders('start-local', ['OTA.Operator']) },
    body: JSON.stringify(demoUpdate),
    signal: AbortSignal.timeout(15000),
  });
  if (res.status === 201) return 'registered';
  if (res.status === 409) return 'exists';
  throw new Error(`registering the demo update failed: ${res.status} ${await res.text()}`);
}
