/**
 * Import activities while the import record's etag-guarded writes lose races: the release counter a manifest is
 * signed with is the one stored on the record, and an import is recorded and audited once.
 */
import { createImportActivities } from '../../../activities/import-activities';
import type { LifecycleStep } from '../../../activities/lifecycle';
import type { PushedArtifact } from '../../../domain/imports/pushed-artifact';
import type { UpdateManifest } from '../../../domain/packages/manifest';
import { InMemoryImportRecordStore, InMemoryImportRuleStore, InMemoryPackageStore, InMemoryReleaseCounterStore } from '../../support/in-memory-import-stores';
import { InMemoryUpdateStore } from '../../support/in-memory-stores';

const now = new Date('2026-11-25T10:00:00.000Z');
const updateId = { provider: 'contoso', name: 'line-controller', version: '2.0.0' };
const artifact: PushedArtifact = {
  kind: 'blob', eventId: 'ev-1', eventType: 'Microsoft.Storage.BlobCreated', subject: '/blobServices/default/containers/firmware/blobs/line-controller/2.0.0.bin',
  container: 'firmware', blobPath: 'line-controller/2.0.0.bin', url: 'http://127.0.0.1/firmware/line-controller/2.0.0.bin', sizeInBytes: 4, pushedBy: 'ci',
};
const file = { fileName: '2.0.0.bin', sizeInBytes: 4, sha256: 'AAAA' };

async function setup() {
  const rules = new InMemoryImportRuleStore();
  await rules.put({
    ruleId: 'line-controller', source: { blobPrefix: 'line-controller/' }, update: { provider: 'contoso', name: 'line-controller' },
    compatibility: [{ model: 'ctl-a' }], prerequisites: [], deltaFromPrevious: 0, manifestLifetimeDays: 30, updatedAt: now.toISOString(),
  });
  const records = new InMemoryImportRecordStore();
  await records.create({ eventId: artifact.eventId, eventType: artifact.eventType, subject: artifact.subject, status: 'Importing', reason: '', receivedAt: now.toISOString(), updatedAt: now.toISOString() });
  const updates = new InMemoryUpdateStore();
  const signed: UpdateManifest[] = [];
  const steps: LifecycleStep[] = [];
  const activities = createImportActivities({
    rules, records, updates, counters: new InMemoryReleaseCounterStore(), packages: new InMemoryPackageStore(),
    signer: async () => ({ keyId: 'test-key', sign: async (manifest) => { signed.push(manifest); return `signed.${manifest.releaseCounter}`; } }),
    deltas: { tool: 'none', create: async (_base, target) => target },
    now: () => now,
    lifecycle: async (step) => { steps.push(step); },
  });
  return { activities, records, updates, signed, steps };
}

describe('publishManifest while the import record\'s writes lose races', () => {
  it('signs with the release counter a racing run stored first, and the record keeps it', async () => {
    const { activities, records, updates, signed } = await setup();
    // The racing run of the same import stored counter 41 between this run's read and its write.
    records.simulateConflicts(1, (r) => ({ ...r, releaseCounter: r.releaseCounter ?? 41 }));

    expect(await activities.publishManifest({ artifact, ruleId: 'line-controller', updateId, file, deltas: [] })).toEqual({ releaseCounter: 41 });

    expect(records.racesLost).toBe(1);
    expect(signed.map((m) => m.releaseCounter)).toEqual([41]);
    expect((await records.get(artifact.eventId))!.releaseCounter).toBe(41);
    expect((await updates.get(updateId))!.manifest!.releaseCounter).toBe(41);
  });
});

describe('recordImport while the import record\'s writes lose races', () => {
  it('stores the outcome and audits the import once', async () => {
    const { activities, records, steps } = await setup();
    records.simulateConflicts(2);

    await activities.recordImport({ eventId: artifact.eventId, status: 'Imported', reason: 'imported 2.0.0', updateId, ruleId: 'line-controller' });

    expect(records.racesLost).toBe(2);
    expect(await records.get(artifact.eventId)).toMatchObject({ status: 'Imported', reason: 'imported 2.0.0', updateId, ruleId: 'line-controller' });
    expect(steps.map((s) => [s.action, s.stepId])).toEqual([['update.imported', 'import:ev-1']]);
  });
});
