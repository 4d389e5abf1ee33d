/**
 * Dependency faults mid-rollout: the app's path to the Cosmos stand-in, then to the local IoT Hub, is unplugged for a
 * while (start-local --fault-proxies) and plugged back; and a 429 storm (the hub's own quotas far below the tier the
 * app paces to: start-local --iothub-quota). Each rollout must continue to Completed with every targeted device
 * updated by exactly one command and the audit chain intact; what the rollout said meanwhile is printed.
 */
import { auditIntact, commandCounts } from './support/invariants';
import { deviceIds, finalStatuses, fleet, registerUpdate, rolloutBody, tempDir, writeProfile } from './support/scenario';
import { sleep, startStack, waitForStatus, type Json, type Stack } from './support/stack';

export interface FaultFigures {
  faults: { name: string; recovered: boolean; detail: string }[];
}

const devices = 100;
const outageMs = 20_000;

/** Starts a rollout of `site`'s devices, runs `fault` once it is dispatching, and checks where it ends. */
async function rolloutThrough(stack: Stack, name: string, site: 'plant-a' | 'plant-b', fault: (stack: Stack, id: string) => Promise<string[]>): Promise<FaultFigures['faults'][number]> {
  const targeted = deviceIds(devices).filter((id) => id.startsWith(site === 'plant-a' ? 'a-' : 'b-'));
  const created = await stack.api('POST', 'rollouts', rolloutBody({ target: { query: `tags.site = '${site}'` }, canary: { devices: 5 }, failureThreshold: { percent: 20, minDevices: 5 } }));
  if (created.status !== 201) return { name, recovered: false, detail: `create: ${created.status} ${JSON.stringify(created.body).slice(0, 300)}` };
  const id = created.body.id as string;
  await waitForStatus(stack, id, ['InProgress', ...finalStatuses]);
  const seen = await fault(stack, id);
  let done: Json;
  try {
    done = await waitForStatus(stack, id, finalStatuses, 240_000);
  } catch (err) {
    return { name, recovered: false, detail: `${(err as Error).message.slice(0, 400)}; seen during the fault: ${seen.join(' | ')}` };
  }
  const counts = await commandCounts(stack, targeted, () => 1);
  const audit = await auditIntact(stack);
  const problems = [
    ...(done.status === 'Completed' ? [] : [`ended ${done.status}: ${done.reason ?? ''}`]),
    ...counts.slice(0, 3).map((v) => v.detail), ...(counts.length > 3 ? [`… ${counts.length} devices in all`] : []),
    ...audit.map((v) => v.detail),
  ];
  return { name, recovered: problems.length === 0, detail: `${problems.length ? problems.join('; ') : `Completed, ${targeted.length} devices one command each`}; seen during the fault: ${seen.join(' | ') || 'nothing'}` };
}

/**
 * Unplugs `dependency` for the outage, polling the rollout (through the API) every second meanwhile, or not at all
 * (`watched` false). Both matter: a request in flight holds time-skipping back, so polls hanging on the outage
 * change which of the rollout's activities run into it (either way a rollout was left InProgress in some runs).
 */
function outage(control: string, dependency: 'cosmos' | 'iothub', watched = true) {
  return async (stack: Stack, id: string): Promise<string[]> => {
    await sleep(1500);
    const seen = new Set<string>();
    await fetch(`${control}/faults/${dependency}/down`, { method: 'POST' });
    const until = Date.now() + outageMs;
    try {
      if (!watched) await sleep(outageMs);
      while (Date.now() < until) {
        const answer = await stack.api('GET', `rollouts/${id}`).catch((err: Error) => ({ status: 0, body: err.message }));
        seen.add(answer.status === 200 ? `${answer.body.status}${answer.body.reason ? `: ${answer.body.reason}` : ''}` : `${answer.status} ${JSON.stringify(answer.body)?.slice(0, 120)}`);
        await sleep(1000);
      }
    } finally {
      await fetch(`${control}/faults/${dependency}/up`, { method: 'POST' });
    }
    return [...seen];
  };
}

async function unplugged(): Promise<FaultFigures['faults']> {
  const temp = tempDir('ota-rel-faults-');
  let stack: Stack | undefined;
  try {
    stack = await startStack({ fleet: writeProfile(temp.dir, fleet(devices)), dataDir: `${temp.dir}/data`, timeSkip: true, args: ['--fault-proxies'] });
    const control = /Fault control[^:]*: (http:\/\/127\.0\.0\.1:\d+)/.exec(stack.output())?.[1];
    if (!control) throw new Error('start-local printed no fault control URL');
    await registerUpdate(stack);
    return [
      await rolloutThrough(stack, `Cosmos stand-in unplugged ${outageMs / 1000} s`, 'plant-a', outage(control, 'cosmos')),
      await rolloutThrough(stack, `local IoT Hub unplugged ${outageMs / 1000} s`, 'plant-b', outage(control, 'iothub')),
    ];
  } finally {
    await stack?.stop();
    temp.remove();
  }
}

/** The Cosmos outage again on a stack of its own, with nobody polling meanwhile. */
async function unwatchedCosmosOutage(): Promise<FaultFigures['faults'][number]> {
  const temp = tempDir('ota-rel-faults-');
  let stack: Stack | undefined;
  try {
    stack = await startStack({ fleet: writeProfile(temp.dir, fleet(devices)), dataDir: `${temp.dir}/data`, timeSkip: true, args: ['--fault-proxies'] });
    const control = /Fault control[^:]*: (http:\/\/127\.0\.0\.1:\d+)/.exec(stack.output())?.[1];
    if (!control) throw new Error('start-local printed no fault control URL');
    await registerUpdate(stack);
    return await rolloutThrough(stack, `Cosmos stand-in unplugged ${outageMs / 1000} s, nobody polling`, 'plant-a', outage(control, 'cosmos', false));
  } finally {
    await stack?.stop();
    temp.remove();
  }
}

async function throttled(): Promise<FaultFigures['faults'][number]> {
  const temp = tempDir('ota-rel-faults-');
  let stack: Stack | undefined;
  try {
    // The app paces to S3 x 10; the hub admits a tiny fraction of that: most calls answer 429.
    stack = await startStack({ fleet: writeProfile(temp.dir, fleet(devices)), dataDir: `${temp.dir}/data`, timeSkip: true, args: ['--iothub-quota', 'twinUpdates=2,jobDeviceOperations=2'] });
    await registerUpdate(stack);
    return await rolloutThrough(stack, '429 storm (hub twin-update and job-device quotas 2 / s, app paced to S3 x 10)', 'plant-a', async (s, id) => {
      const seen = new Set<string>();
      for (let i = 0; i < 10; i++) {
        const answer = await s.api('GET', `rollouts/${id}`);
        seen.add(`${answer.body?.status}${answer.body?.reason ? `: ${answer.body.reason}` : ''}`);
        await sleep(1000);
      }
      return [...seen];
    });
  } finally {
    await stack?.stop();
    temp.remove();
  }
}

export async function runFaults(): Promise<FaultFigures> {
  const faults: FaultFigures['faults'] = [];
  for (const part of [unplugged, unwatchedCosmosOutage, throttled]) {
    try {
      const result = await part();
      faults.push(...(Array.isArray(result) ? result : [result]));
    } catch (err) {
      faults.push({ name: part.name, recovered: false, detail: `did not run: ${(err as Error).message.slice(0, 400)}` });
    }
  }
  return { faults };
}
