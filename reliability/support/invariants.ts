/** What must hold after every crash and restart, checked from outside: the audit chain, and the devices' own command logs. */
import type { Stack } from './stack';

export interface Violation {
  check: string;
  detail: string;
}

/** GET /api/audit/verify says the chain is intact (no gap, no altered entry). */
export async function auditIntact(stack: Stack): Promise<Violation[]> {
  const { status, body } = await stack.api('GET', 'audit/verify');
  if (status === 200 && body?.valid === true) return [];
  return [{ check: 'audit chain', detail: `${status} ${JSON.stringify(body)?.slice(0, 300)}` }];
}

/** No device accepted the same command twice (the ids each virtual device keeps in its reported twin). */
export async function commandsAtMostOnce(stack: Stack, deviceIds: string[]): Promise<Violation[]> {
  const violations: Violation[] = [];
  for (let i = 0; i < deviceIds.length; i += 20) {
    await Promise.all(deviceIds.slice(i, i + 20).map(async (id) => {
      const commands = await stack.commandsOf(id);
      const twice = commands.filter((c, at) => commands.indexOf(c) !== at);
      if (twice.length > 0) violations.push({ check: 'command at most once', detail: `${id} accepted ${twice.join(', ')} more than once` });
    }));
  }
  return violations;
}

/** Every device accepted `count` commands in all (e.g. 1 for a completed rollout, 2 after install + restore). */
export async function commandCounts(stack: Stack, deviceIds: string[], expected: (id: string) => number): Promise<Violation[]> {
  const violations: Violation[] = [];
  for (const id of deviceIds) {
    const n = (await stack.commandsOf(id)).length;
    if (n !== expected(id)) violations.push({ check: 'commands per device', detail: `${id} accepted ${n} command(s), expected ${expected(id)}` });
  }
  return violations;
}
