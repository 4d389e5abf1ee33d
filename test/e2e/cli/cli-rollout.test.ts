/**
 * The `ota` CLI against the local stack, as operators and approvers use it: a rollout created from a YAML file with
 * an approval, approved, watched to its end; a second one paused, resumed and cancelled; and the errors a user
 * meets (a refused role, a wrong URL, a bad file, a refused request) as readable messages with their exit codes.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startLocalStack, waitForRollout, writeProfile, type LocalStack } from '../../support/local-stack';
import { registerUpdate, twoSiteFleet } from '../rollouts/fixtures';
import { as, ota, type OtaRun } from './ota-cli';

const operator = as('ops@contoso.com', 'OTA.Operator');
const approver = as('qa@contoso.com', 'OTA.Approver');
const viewer = as('guest@contoso.com', 'OTA.Viewer');

let stack: LocalStack;
let dir: string;
const run = (args: string[], env?: Record<string, string>): Promise<OtaRun> => ota(['--url', stack.url, ...args], env);
const file = (name: string, text: string): string => {
  const where = path.join(dir, name);
  fs.writeFileSync(where, text);
  return where;
};
/** No stack trace ever reaches the user. */
const expectNoStack = (result: OtaRun) => expect(result.stderr).not.toMatch(/^\s+at /m);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ota-cli-'));
  stack = await startLocalStack({ fleet: writeProfile(twoSiteFleet()), timeSkip: false });
  await registerUpdate(stack);
});
afterAll(async () => {
  await stack?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const rolloutYaml = `# a whole rollout, as an operator writes it
updateId: { provider: contoso, name: line-controller, version: 2.0.0 }
target:
  query: "tags.site IN ['plant-a', 'plant-b']"
canary: { devices: 10 }
canarySoak: PT30M
waves:
  - percent: 100
    soak: PT1H
approval:
  approvers: [qa@contoso.com]
  timeout: PT24H
`;

/** Until the orchestration itself (not only the API) has put the rollout in `status`. */
async function waitForOrchestration(id: string, status: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { body } = await stack.api('GET', `rollouts/${id}`);
    if (body.status === status && body.updatedAt !== body.createdAt) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`rollout ${id} never reached ${status}`);
}

it('an operator creates a rollout from YAML, a viewer may not approve it, the approver does, and watch follows it to Completed', async () => {
  const created = await run([...operator, '--output', 'json', 'rollouts', 'create', '-f', file('rollout.yaml', rolloutYaml)]);
  expect(created).toMatchObject({ code: 0, stderr: '' });
  const rollout = JSON.parse(created.stdout);
  expect(rollout).toMatchObject({ status: 'PendingApproval', createdBy: 'ops@contoso.com' });
  await waitForOrchestration(rollout.id, 'PendingApproval');

  const refused = await run([...viewer, 'rollouts', 'approve', rollout.id]);
  expect(refused.code).toBe(3);
  expect(refused.stderr).toContain(`POST /api/rollouts/${rollout.id}/approvals: 403 Forbidden: guest@contoso.com lacks rollouts.approve`);
  expectNoStack(refused);

  const approved = await run([...approver, 'rollouts', 'approve', rollout.id, '--comment', 'tested on the line']);
  expect(approved.code).toBe(0);
  expect(approved.stdout).toContain(`approved rollout ${rollout.id}`);

  await stack.setTimeSkip(true);
  const watched = await run([...viewer, 'rollouts', 'watch', rollout.id, '--interval', '1']);
  await stack.setTimeSkip(false);
  expect(watched.stderr).toBe('');
  expect(watched.code).toBe(0);
  // Plain lines (stdout is a pipe): the canary's outcome with its health summary, and the end.
  expect(watched.stdout).toMatch(/^canary: Promoted 10\/10 — 10 succeeded, 0 failed \(0 unhealthy, 0 silent\), 0 pending$/m);
  expect(watched.stdout).toMatch(/^wave 1: Promoted 190\/190 — 190 succeeded/m);
  expect(watched.stdout).toContain(`rollout ${rollout.id} ended Completed`);

  const shown = await run([...viewer, '--output', 'json', 'rollouts', 'show', rollout.id]);
  expect(JSON.parse(shown.stdout)).toMatchObject({
    status: 'Completed',
    counts: { targeted: 200, succeeded: 200 },
    approvals: [expect.objectContaining({ approver: 'qa@contoso.com', decision: 'approve', comment: 'tested on the line' })],
  });

  const audit = await run([...viewer, 'audit', 'verify', '--subject', `rollouts/${rollout.id}`]);
  expect(audit.code).toBe(0);
  expect(audit.stdout).toMatch(/^audit trail intact: \d+ entries verified$/m);
  expect(audit.stdout).toMatch(/qa@contoso\.com\s+approval\.given/);

  const csv = path.join(dir, 'report.csv');
  const report = await run([...viewer, 'reports', 'rollout', rollout.id, '--format', 'csv', '-o', csv]);
  expect(report.code).toBe(0);
  expect(fs.readFileSync(csv, 'utf8').split('\n').length).toBeGreaterThan(3);
});

it('an operator pauses, resumes and cancels a rollout created from JSON; watch ends with the Cancelled exit code', async () => {
  const body = {
    updateId: { provider: 'contoso', name: 'line-controller', version: '2.0.0' },
    target: { query: "tags.site = 'plant-a'" },
    waves: [{ percent: 100, soak: 'PT1H' }],
  };
  const created = await run([...operator, '--output', 'json', 'rollouts', 'create', '-f', file('second.json', JSON.stringify(body))]);
  expect(created.code).toBe(0);
  const { id } = JSON.parse(created.stdout);
  await waitForRollout(stack, id, ['InProgress']);

  expect((await run([...operator, 'rollouts', 'pause', id])).code).toBe(0);
  await waitForRollout(stack, id, ['Paused']);
  const listed = await run([...viewer, '--output', 'json', 'rollouts', 'list', '--status', 'Paused']);
  expect(JSON.parse(listed.stdout).items.map((r: { id: string }) => r.id)).toContain(id);
  const again = await run([...operator, 'rollouts', 'pause', id]);
  expect(again.code).toBe(5);
  expect(again.stderr).toMatch(/409 Not allowed now: .*Paused/);

  expect((await run([...operator, 'rollouts', 'resume', id])).code).toBe(0);
  await waitForRollout(stack, id, ['InProgress']);
  expect((await run([...operator, 'rollouts', 'cancel', id])).code).toBe(0);
  const watched = await run([...operator, '--output', 'json', 'rollouts', 'watch', id, '--interval', '1']);
  expect(watched.code).toBe(12);
  const snapshots = watched.stdout.trim().split('\n').map((line) => JSON.parse(line));
  expect(snapshots[snapshots.length - 1]).toMatchObject({ id, status: 'Cancelled', final: true });
});

it('reads updates and devices as tables and as JSON', async () => {
  const updates = await run([...viewer, '--output', 'json', 'updates', 'list']);
  expect(JSON.parse(updates.stdout).map((u: any) => u.updateId.version)).toContain('2.0.0');
  const update = await run([...viewer, 'updates', 'show', 'contoso/line-controller/2.0.0']);
  expect(update.stdout).toMatch(/^compatibility:\s+model=ctl-a; model=ctl-b$/m);
  const device = await run([...viewer, 'devices', 'show', 'b-3']);
  expect(device.code).toBe(0);
  expect(device.stdout).toMatch(/^tags:\s+site=plant-b model=ctl-b$/m);
  const missing = await run([...viewer, 'devices', 'show', 'no-such-device']);
  expect(missing.code).toBe(4);
  expect(missing.stderr).toContain("No device 'no-such-device'");
});

it('explains a refused request field by field, a bad file by its path and line, and a missing sign-in', async () => {
  const invalid = await run([...operator, 'rollouts', 'create', '-f', file('invalid.yaml', 'updateId: { provider: contoso, name: line-controller, version: "2" }\ntarget: { query: "tags.site = \'plant-a\'" }\n')]);
  expect(invalid.code).toBe(5);
  expect(invalid.stderr).toMatch(/^ {2}- updateId\.version: must be a semantic version/m);
  expect(invalid.stderr).toMatch(/^ {2}- waves: /m);
  expectNoStack(invalid);

  const broken = file('broken.yaml', 'updateId:\n  provider: contoso\n name: oops\n');
  const unparsable = await run([...operator, 'rollouts', 'create', '-f', broken]);
  expect(unparsable.code).toBe(8);
  expect(unparsable.stderr).toMatch(new RegExp(`^ota: ${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid YAML: .*line 3`, 'm'));
  expectNoStack(unparsable);

  const anonymous = await run(['rollouts', 'list']);
  expect(anonymous.code).toBe(3);
  expect(anonymous.stderr).toMatch(/401 .*\n.*--as <name> --role/);
});

it('says which address it cannot reach when nothing listens there', async () => {
  const port = await new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as net.AddressInfo;
      server.close(() => resolve(free));
    });
  });
  const result = await ota(['--url', `http://127.0.0.1:${port}`, ...viewer, 'rollouts', 'list']);
  expect(result).toMatchObject({ code: 6, stdout: '' });
  expect(result.stderr).toMatch(new RegExp(`^ota: cannot reach http://127\\.0\\.0\\.1:${port}: connection refused`));
});
