/**
 * The demo fleet's update, contoso/line-controller 2.0.0 for models ctl-a and ctl-b: `npm start` stores it before
 * the app serves when it runs the built-in demo fleet, so a rollout can be created right away (`npm run demo`, with
 * a fleet of its own, registers it through the API).
 */
import { createHash } from 'node:crypto';
import { createCosmosClient } from '../adapters/cosmos/cosmos-client';
import { CosmosUpdateStore } from '../adapters/cosmos/update-store';
import type { Update } from '../domain/updates/update';
import { principalHeaders } from './local-principal';

export const demoUpdateId = { provider: 'contoso', name: 'line-controller', version: '2.0.0' } as const;

// No file is uploaded anywhere; size and hash still describe the same bytes, as they would for a real image.
const image = Buffer.alloc(2 * 1024 * 1024, 'contoso line-controller 2.0.0\n');

export const demoUpdate: Omit<Update, 'createdAt'> = {
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

/**
 * Stores the update as POST /api/updates would (same store adapter, same document), straight into Cosmos DB: it
 * needs no running app, so `npm start` does it before the app's port opens. An update stored already (a restart
 * with --data) is left as it is.
 */
export async function storeDemoUpdate(cosmos: { endpoint: string; key: string; database: string }, now: Date): Promise<'created' | 'exists'> {
  const client = createCosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key });
  try {
    return await new CosmosUpdateStore(client.database(cosmos.database)).put({ ...demoUpdate, createdAt: now.toISOString() });
  } finally {
    client.dispose();
  }
}
