/**
 * Assessments racing on one batch document of the local Cosmos stand-in: the loser's etag-guarded write is
 * retried on the winner's batch, and each device a judgement moved is credited to exactly one writer (what
 * assessWave audits as failed), whichever writer lands first.
 */
import type { Database } from '@azure/cosmos';
import { CosmosRolloutStore } from '../../adapters/cosmos/rollout-store';
import { judgedBatch, movedBy } from '../../domain/rollouts/batch-judgement';
import { batchId, type BatchDevice, type BatchRecord } from '../../domain/rollouts/rollout-record';
import type { DeviceRolloutState } from '../../domain/rollouts/rollout-status';
import { useProvisionedCosmos } from '../support/cosmos-database';

const provisioned = useProvisionedCosmos();
let database: Database;
beforeAll(() => { database = provisioned(); });

const sentAt = '2026-11-25T10:00:00.000Z';

function sentBatch(rolloutId: string, devices: number): BatchRecord {
  return {
    id: batchId(rolloutId, 0, 0), rolloutId, wave: 0, index: 0, site: 'plant-a', dispatchedAt: sentAt,
    devices: Array.from({ length: devices }, (_, i) => ({ deviceId: `d-${i}`, fromVersion: '1.0.0', site: 'plant-a', state: 'dispatched' as const, updatedAt: sentAt })),
  };
}

/** A judge that finds the devices numbered `from` to `to` (inclusive) unhealthy and leaves the others as they are. */
const unhealthyFrom = (from: number, to: number) => (d: BatchDevice): DeviceRolloutState => {
  const n = Number(d.deviceId.slice(2));
  return d.state === 'dispatched' && n >= from && n <= to ? 'unhealthy' : d.state;
};

describe('judgements racing on one batch', () => {
  it('credits each device to one writer: overlapping judgements never both count a device', async () => {
    const store = new CosmosRolloutStore(database);
    const batch = sentBatch('ro-judge', 12);
    await store.putBatches([batch]);
    const judges = [
      { at: '2026-11-25T10:01:00.000Z', judge: unhealthyFrom(0, 7) },
      { at: '2026-11-25T10:01:30.000Z', judge: unhealthyFrom(4, 11) },
      { at: '2026-11-25T10:02:00.000Z', judge: unhealthyFrom(2, 9) },
    ];
    let runs = 0;
    // Each reads the batch, then all write together: they read the same version, so all but one get 412 and retry.
    const read = await Promise.all(judges.map(() => store.getBatch('ro-judge', batch.id)));
    const saved = await Promise.all(judges.map(({ at, judge }) =>
      store.updateBatch('ro-judge', batch.id, (current) => ((runs += 1), judgedBatch(current, judge, at)))));

    expect(runs).toBeGreaterThan(judges.length);
    const moved = judges.map(({ at }, i) => movedBy(read[i]!, saved[i]!, at).map((d) => d.deviceId));
    const all = moved.flat();
    expect(all).toHaveLength(12);
    expect(new Set(all).size).toBe(12);
    const stored = await store.getBatch('ro-judge', batch.id);
    expect(stored!.devices.every((d) => d.state === 'unhealthy')).toBe(true);
    // Each writer is credited with what it stamped, and the stamps are what the stored batch shows.
    judges.forEach(({ at }, i) => expect(stored!.devices.filter((d) => d.updatedAt === at).map((d) => d.deviceId).sort()).toEqual([...moved[i]!].sort()));
  });
});
