/**
 * Splits a rollout's devices into the canary and cumulative-percent waves, and each wave into per-site batches.
 *
 * Deterministic: devices are ordered by a hash of rollout id and device id, so planning again (a retried activity, a
 * restarted host) puts every device in the same wave and batch, and the canary is a sample spread over the fleet
 * rather than its first ids. A different rollout draws a different canary.
 */
import type { DeviceSummary } from '../fleet/device';
import { spreadHash32 } from '../../common/stable-hash';
import type { CanarySpec, WaveSpec } from './rollout-spec';

export interface PlannedBatch {
  index: number;
  /** Every device of a batch has this `site` tag, so one maintenance window decides for the whole batch. */
  site: string | undefined;
  deviceIds: string[];
}

export interface PlannedWave {
  index: number;
  kind: 'canary' | 'wave';
  /** The wave's devices, in batch order. */
  deviceIds: string[];
  batches: PlannedBatch[];
}

export interface WavePlanInput {
  rolloutId: string;
  devices: DeviceSummary[];
  canary: CanarySpec;
  waves: WaveSpec[];
  /** Batches per wave stay near this however large the fleet, so orchestration history stays flat. Default 10. */
  maxBatchesPerWave?: number;
  /** Small waves are not cut into tiny batches (one activity each). Default 500. */
  minBatchSize?: number;
  /**
   * Cut each site's devices of a wave into the same number of batches, ceil(maxBatchesPerWave / sites) (fewer only
   * when a site has fewer devices), instead of batches of a size: the batch count, and so the orchestration's
   * history, is then the same whatever the fleet size.
   */
  evenPerSite?: boolean;
}

const defaultMaxBatchesPerWave = 10;
const defaultMinBatchSize = 500;

/** Why a canary and waves cannot be planned, naming the field; undefined when they can. */
export function validateWaveSpecs(canary: CanarySpec, waves: WaveSpec[]): string | undefined {
  if (waves.length === 0) return 'waves must contain at least one wave, the last one at 100 percent';
  for (const [i, wave] of waves.entries()) {
    if (!(wave.percent > 0 && wave.percent <= 100)) return `waves[${i}].percent must be greater than 0 and at most 100`;
    if (!(wave.soakMs >= 0 && Number.isFinite(wave.soakMs))) return `waves[${i}].soakMs must be 0 or more`;
    const previous = waves[i - 1];
    if (previous && wave.percent <= previous.percent) return `waves[${i}].percent must be greater than waves[${i - 1}].percent`;
  }
  if (waves[waves.length - 1]?.percent !== 100) return `waves[${waves.length - 1}].percent must be 100: the last wave covers every device`;
  if ('devices' in canary) {
    if (!(Number.isInteger(canary.devices) && canary.devices >= 1)) return 'canary.devices must be a whole number of at least 1';
  } else {
    if (!(canary.percent > 0)) return 'canary.percent must be greater than 0';
    // A canary as large as the first wave would leave that wave empty: surely not what the operator meant.
    const first = waves[0]?.percent ?? 100;
    if (canary.percent >= first) return `canary.percent must be less than waves[0].percent (${first})`;
  }
  return undefined;
}

export function planWaves(input: WavePlanInput): PlannedWave[] {
  const problem = validateWaveSpecs(input.canary, input.waves);
  if (problem) throw new RangeError(problem);
  const maxBatchesPerWave = input.maxBatchesPerWave ?? defaultMaxBatchesPerWave;
  const minBatchSize = input.minBatchSize ?? defaultMinBatchSize;
  if (!(Number.isInteger(maxBatchesPerWave) && maxBatchesPerWave >= 1)) throw new RangeError('maxBatchesPerWave must be a whole number of at least 1');
  if (!(Number.isInteger(minBatchSize) && minBatchSize >= 1)) throw new RangeError('minBatchSize must be a whole number of at least 1');

  const ordered = orderDevices(input.rolloutId, input.devices);
  const total = ordered.length;
  const ends = [canarySize(input.canary, total), ...input.waves.map((wave) => shareOf(total, wave.percent))];

  const planned: PlannedWave[] = [];
  let start = 0;
  for (const [i, wantedEnd] of ends.entries()) {
    const end = Math.max(start, wantedEnd);
    if (end === start) continue; // an empty wave would only cost a sub-orchestration
    const batches = cutBatches(ordered.slice(start, end), maxBatchesPerWave, minBatchSize, input.evenPerSite ?? false);
    planned.push({
      index: planned.length,
      kind: i === 0 ? 'canary' : 'wave',
      deviceIds: batches.flatMap((batch) => batch.deviceIds),
      batches,
    });
    start = end;
  }
  return planned;
}

/** Hash order, ties broken by id; a device listed twice is planned once. */
function orderDevices(rolloutId: string, devices: readonly DeviceSummary[]): DeviceSummary[] {
  const unique = new Map<string, DeviceSummary>();
  for (const device of devices) if (!unique.has(device.deviceId)) unique.set(device.deviceId, device);
  return [...unique.values()]
    .map((device) => ({ device, key: spreadHash32(`${rolloutId}:${device.deviceId}`) }))
    .sort((a, b) => a.key - b.key || compareText(a.device.deviceId, b.device.deviceId))
    .map(({ device }) => device);
}

function canarySize(canary: CanarySpec, total: number): number {
  if ('devices' in canary) return Math.min(canary.devices, total);
  return Math.min(Math.max(1, shareOf(total, canary.percent)), total);
}

/** Devices covered by a cumulative percent, rounded up; the tolerance keeps 16.1 % of 1000 (161.00000000000003) at 161. */
function shareOf(total: number, percent: number): number {
  const share = (total * percent) / 100;
  return Math.min(total, Math.ceil(share - share * 1e-12));
}

/**
 * Groups a wave by site, then cuts each group into batches of at most
 * max(minBatchSize, ceil(waveSize / maxBatchesPerWave)) devices: at most maxBatchesPerWave + one per site.
 */
function cutBatches(devices: readonly DeviceSummary[], maxBatchesPerWave: number, minBatchSize: number, evenPerSite: boolean): PlannedBatch[] {
  const fixedSize = Math.max(minBatchSize, Math.ceil(devices.length / maxBatchesPerWave));
  const bySite = new Map<string | undefined, string[]>();
  for (const device of devices) {
    const site = device.tags['site'];
    const group = bySite.get(site);
    if (group) group.push(device.deviceId);
    else bySite.set(site, [device.deviceId]);
  }
  const sites = [...bySite.keys()].sort(compareSites);
  const perSite = Math.ceil(maxBatchesPerWave / sites.length);
  const batches: PlannedBatch[] = [];
  for (const site of sites) {
    const ids = bySite.get(site) ?? [];
    const size = evenPerSite ? Math.max(1, Math.ceil(ids.length / perSite)) : fixedSize;
    for (let from = 0; from < ids.length; from += size) {
      batches.push({ index: batches.length, site, deviceIds: ids.slice(from, from + size) });
    }
  }
  return batches;
}

/** Sites by name, devices without a site last, so batch order reads the same to every operator. */
function compareSites(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return compareText(a, b);
}

/** Code-unit order, not locale order: the plan must not depend on the host's locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
