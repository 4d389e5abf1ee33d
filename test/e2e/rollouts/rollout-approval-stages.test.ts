/** Multi-stage approval policies: quorum per stage, separation of duties, one person counts once. */
import { startLocalStack, waitForRollout, writeProfile, type LocalStack } from '../../support/local-stack';
import { registerUpdate, rolloutBody, twoSiteFleet } from './fixtures';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ fleet: writeProfile(twoSiteFleet()), timeSkip: false });
  await registerUpdate(stack);
});
afterAll(async () => { await stack?.stop(); });

const creator = 'ops@contoso.com';
const approval = {
  stages: [
    { name: 'quality', approvers: ['qa1@contoso.com', 'qa2@contoso.com', 'lead@contoso.com', creator], quorum: 2, timeout: 'PT24H' },
    { name: 'plant manager', approvers: ['pm@contoso.com', 'lead@contoso.com'], quorum: 1, timeout: 'PT24H' },
  ],
};

async function waitForStage(id: string, stage: string): Promise<any> {
  for (let i = 0; i < 200; i++) {
    const { body } = await stack.api('GET', `rollouts/${id}`);
    if (body.status === 'PendingApproval' && body.reason.includes(`'${stage}'`)) return body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`rollout ${id} never waited for stage ${stage}`);
}

const decide = (id: string, who: string, decision = 'approve') => stack.api('POST', `rollouts/${id}/approvals`, { decision }, who);

it('needs two quality approvals, then the plant manager; the creator and a second vote of one person are refused', async () => {
  const { body } = await stack.api('POST', 'rollouts', rolloutBody({ approval }), creator);
  await waitForStage(body.id, 'quality');
  const own = await decide(body.id, creator);
  expect(own.status).toBe(403);
  expect(own.body.detail).toMatch(/separation of duties/);
  expect((await decide(body.id, 'pm@contoso.com')).status).toBe(403); // not in this stage
  expect((await decide(body.id, 'lead@contoso.com')).status).toBe(202);
  await new Promise((r) => setTimeout(r, 300));
  expect((await stack.api('GET', `rollouts/${body.id}`)).body.status).toBe('PendingApproval');
  expect((await decide(body.id, 'lead@contoso.com')).status).toBe(409); // one person counts once
  expect((await decide(body.id, 'qa1@contoso.com')).status).toBe(202);
  await waitForStage(body.id, 'plant manager');
  expect((await decide(body.id, 'lead@contoso.com')).status).toBe(409); // already counted in quality
  expect((await decide(body.id, 'pm@contoso.com')).status).toBe(202);
  await waitForRollout(stack, body.id, ['InProgress', 'Completed']);
  await stack.setTimeSkip(true);
  const done = await waitForRollout(stack, body.id, ['Completed', 'RolledBack', 'Failed']);
  await stack.setTimeSkip(false);
  expect(done.status).toBe('Completed');
  expect(done.approvals.map((a: any) => [a.approver, a.stage])).toEqual([['lead@contoso.com', 'quality'], ['qa1@contoso.com', 'quality'], ['pm@contoso.com', 'plant manager']]);
});

it('a rejection in the second stage ends the rollout as Rejected without touching a device', async () => {
  const { body } = await stack.api('POST', 'rollouts', rolloutBody({ approval }), creator);
  await waitForStage(body.id, 'quality');
  await decide(body.id, 'qa1@contoso.com');
  await decide(body.id, 'qa2@contoso.com');
  await waitForStage(body.id, 'plant manager');
  await decide(body.id, 'pm@contoso.com', 'reject');
  const done = await waitForRollout(stack, body.id, ['Rejected', 'Completed', 'Failed']);
  expect(done.status).toBe('Rejected');
  expect(done.reason).toMatch(/rejected by pm@contoso.com in stage 'plant manager'/);
  expect(done.counts.dispatched).toBe(0);
});

it('refuses a quorum larger than the stage has approvers', async () => {
  const bad = { stages: [{ name: 'quality', approvers: ['qa1@contoso.com'], quorum: 2, timeout: 'PT1H' }] };
  const { status, body } = await stack.api('POST', 'rollouts', rolloutBody({ approval: bad }), creator);
  expect(status).toBe(400);
  expect(body.errors.map((e: any) => e.field)).toContain('approval.stages[0].quorum');
});

it('a group can be an approver: any member decides (once, as themselves), through the API or the group card', async () => {
  const groupApproval = { stages: [{ name: 'quality', approvers: ['group:qa-team'], quorum: 2, timeout: 'PT24H' }] };
  const { body } = await stack.api('POST', 'rollouts', rolloutBody({ approval: groupApproval }), creator);
  await waitForStage(body.id, 'quality');
  expect((await stack.api('POST', `rollouts/${body.id}/approvals`, { decision: 'approve' }, 'bob@contoso.com', ['OTA.Approver'], ['ops-team'])).status).toBe(403);
  expect((await stack.api('POST', `rollouts/${body.id}/approvals`, { decision: 'approve' }, 'ann@contoso.com', ['OTA.Approver'], ['qa-team'])).status).toBe(202);

  // The group's Teams card: its link speaks for whichever signed-in member uses it.
  let card: any;
  for (let i = 0; i < 100 && !card; i++) {
    const inbox = (await (await fetch(`${stack.url}/api/local/teams-inbox`)).json()) as any[];
    card = inbox.find((m) => JSON.stringify(m).includes(body.id));
    if (!card) await new Promise((r) => setTimeout(r, 50));
  }
  const approveUrl = card.attachments[0].content.actions.find((a: any) => /approve/i.test(a.title)).url as string;
  expect((await fetch(approveUrl, { method: 'POST', headers: { accept: 'application/json' } })).status).toBe(401);
  const { principalHeaders } = await import('../../../scripts/local-principal');
  const asCarl = await fetch(approveUrl, { method: 'POST', headers: { accept: 'application/json', ...principalHeaders('carl@contoso.com', ['OTA.Approver'], ['qa-team']) } });
  expect(asCarl.status).toBeLessThan(300);
  await waitForRollout(stack, body.id, ['InProgress', 'Completed']);
  const rollout = (await stack.api('GET', `rollouts/${body.id}`)).body;
  expect(rollout.approvals.map((a: any) => a.approver)).toEqual(['ann@contoso.com', 'carl@contoso.com']);
});
