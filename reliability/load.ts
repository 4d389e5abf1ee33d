/**
 * Load: one rollout alone, then N concurrent rollouts (disjoint device sets of one fleet), each polled every second
 * as a dashboard would. Figures: API errors, p99 API latency, and the slowest concurrent rollout against the one alone.
 */
import { peakRssBytes } from './support/peak-rss';
import { deviceIds, fleet, registerUpdate, rolloutBody, tempDir, writeProfile } from './support/scenario';
import { sleep, startStack, type Stack } from './support/stack';

export interface LoadFigures {
  rollouts: number;
  devices: number;
  requests: number;
  errors: number;
  p99Ms: number;
  aloneMs: number;
  slowestMs: number;
  fastestMs: number;
  notCompleted: number;
  /** Peak resident memory of the stack's process (host, hub, Cosmos stand-in), when the OS tells. */
  peakRssBytes: number | undefined;
  findings: string[];
}

const body = (ids: string[]) => rolloutBody({
  target: { deviceIds: ids }, canary: { devices: 1 }, waves: [{ percent: 50, soak: 'PT1H' }, { percent: 100, soak: 'PT1H' }],
});

/** Creates a rollout and polls it every second until final; every call's latency and failure is recorded. */
async function runOne(stack: Stack, ids: string[], latencies: number[], errors: string[], timeoutMs: number): Promise<{ ms: number; status: string }> {
  const started = performance.now();
  const created = await stack.api('POST', 'rollouts', body(ids));
  latencies.push(created.ms);
  if (created.status !== 201) {
    errors.push(`create: ${created.status} ${JSON.stringify(created.body).slice(0, 200)}`);
    return { ms: performance.now() - started, status: 'not created' };
  }
  const id = created.body.id as string;
  while (performance.now() - started < timeoutMs) {
    await sleep(1000);
    try {
      const polled = await stack.api('GET', `rollouts/${id}`);
      latencies.push(polled.ms);
      if (polled.status !== 200) { errors.push(`poll ${id}: ${polled.status}`); continue; }
      if (['Completed', 'RolledBack', 'Failed', 'Cancelled'].includes(polled.body.status)) return { ms: performance.now() - started, status: polled.body.status };
    } catch (err) {
      errors.push(`poll ${id}: ${(err as Error).message}`);
    }
  }
  return { ms: performance.now() - started, status: 'timed out' };
}

const p99 = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? NaN;
};

export async function runLoad(rollouts: number, devices: number, timeoutMs: number): Promise<LoadFigures> {
  const temp = tempDir('ota-rel-load-');
  let stack: Stack | undefined;
  const latencies: number[] = [];
  const errors: string[] = [];
  try {
    stack = await startStack({ fleet: writeProfile(temp.dir, fleet(devices)), dataDir: `${temp.dir}/data`, timeSkip: true });
    await registerUpdate(stack);
    const ids = deviceIds(devices);
    // Slices interleave both sites and models; slice 0 is the rollout alone.
    const slices = Array.from({ length: rollouts + 1 }, (_, s) => ids.filter((_, i) => i % (rollouts + 1) === s));
    const alone = await runOne(stack, slices[0]!, latencies, errors, timeoutMs);
    console.log(`  alone: ${slices[0]!.length} devices, ${alone.status} in ${Math.round(alone.ms)} ms`);
    const runs = await Promise.all(slices.slice(1).map((slice) => runOne(stack!, slice, latencies, errors, timeoutMs)));
    const slowest = Math.max(...runs.map((r) => r.ms));
    const fastest = Math.min(...runs.map((r) => r.ms));
    const notCompleted = runs.filter((r) => r.status !== 'Completed').length + (alone.status === 'Completed' ? 0 : 1);
    console.log(`  ${rollouts} concurrent: slowest ${Math.round(slowest)} ms, ${notCompleted} not Completed (${[...new Set(runs.map((r) => r.status))].join(', ')})`);
    return {
      rollouts, devices, requests: latencies.length, errors: errors.length, p99Ms: p99(latencies), aloneMs: alone.ms, slowestMs: slowest, fastestMs: fastest, notCompleted,
      peakRssBytes: peakRssBytes(stack.pid), findings: errors.slice(0, 10),
    };
  } finally {
    await stack?.stop();
    temp.remove();
  }
}
