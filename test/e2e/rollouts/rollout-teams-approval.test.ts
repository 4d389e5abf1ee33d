/**
 * Approvals through Teams as an approver would: cards land in the local inbox (the stand-in for the Workflows
 * webhook); following a link shows a confirmation page (GET never decides); confirming (POST) decides once.
 */
import { startLocalStack, waitForRollout, writeProfile, type LocalStack } from '../../support/local-stack';
import { registerUpdate, rolloutBody, twoSiteFleet } from './fixtures';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ fleet: writeProfile(twoSiteFleet()), timeSkip: false });
  await registerUpdate(stack);
});
afterAll(async () => { await stack?.stop(); });

async function cardsFor(rolloutId: string, count: number): Promise<any[]> {
  for (let i = 0; i < 200; i++) {
    const inbox = (await (await fetch(`${stack.url}/api/local/teams-inbox`)).json()) as any[];
    const cards = inbox.filter((m) => JSON.stringify(m).includes(rolloutId));
    if (cards.length >= count) return cards;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${count} Teams cards for ${rolloutId}`);
}

function links(card: any): { approve: string; reject: string } {
  const actions = card.attachments[0].content.actions as { type: string; title: string; url: string }[];
  expect(actions.every((a) => a.type === 'Action.OpenUrl')).toBe(true);
  return { approve: actions.find((a) => /approve/i.test(a.title))!.url, reject: actions.find((a) => /reject/i.test(a.title))!.url };
}

it('an approver follows the card link, confirms, and the rollout goes ahead; replayed, altered and stale links are refused', async () => {
  const approval = { stages: [{ name: 'quality', approvers: ['qa1@contoso.com', 'qa2@contoso.com'], quorum: 1, timeout: 'PT24H' }] };
  const { body } = await stack.api('POST', 'rollouts', rolloutBody({ approval }));
  const cards = await cardsFor(body.id, 2);
  expect(cards[0]).toMatchObject({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive' }] });
  const first = links(cards.find((c) => JSON.stringify(c).includes('qa1@contoso.com')));
  const second = links(cards.find((c) => JSON.stringify(c).includes('qa2@contoso.com')));

  const page = await fetch(first.approve);
  expect(page.status).toBe(200);
  expect(await page.text()).toMatch(/qa1@contoso\.com/);
  expect((await stack.api('GET', `rollouts/${body.id}`)).body.status).toBe('PendingApproval'); // GET never decides

  // One character of the signature changed, away from its last one: a base64url signature's last character carries
  // padding bits, so changing it there may make the token malformed (400) instead of forged.
  const at = first.approve.length - 5;
  const altered = first.approve.slice(0, at) + (first.approve[at] === 'A' ? 'B' : 'A') + first.approve.slice(at + 1);
  expect((await fetch(altered, { method: 'POST', headers: { accept: 'application/json' } })).status).toBe(403);

  const confirmed = await fetch(first.approve, { method: 'POST', headers: { accept: 'application/json' } });
  expect(confirmed.status).toBeLessThan(300);
  expect((await fetch(first.approve, { method: 'POST', headers: { accept: 'application/json' } })).status).toBe(410);
  await waitForRollout(stack, body.id, ['InProgress', 'Completed']);
  expect((await fetch(second.reject, { method: 'POST', headers: { accept: 'application/json' } })).status).toBe(409);
  const rollout = (await stack.api('GET', `rollouts/${body.id}`)).body;
  expect(rollout.approvals).toEqual([expect.objectContaining({ approver: 'qa1@contoso.com', decision: 'approve', stage: 'quality' })]);
});

it('a reject link ends the rollout as Rejected', async () => {
  const approval = { approvers: ['lead@contoso.com'], timeout: 'PT24H' };
  const { body } = await stack.api('POST', 'rollouts', rolloutBody({ approval }));
  const [card] = await cardsFor(body.id, 1);
  expect((await fetch(links(card).reject, { method: 'POST', headers: { accept: 'application/json' } })).status).toBeLessThan(300);
  expect((await waitForRollout(stack, body.id, ['Rejected', 'Completed'])).status).toBe('Rejected');
});

it('an expired link is refused with 410 and decides nothing', async () => {
  const approval = { approvers: ['late@contoso.com'], timeout: 'PT2S' };
  const { body } = await stack.api('POST', 'rollouts', rolloutBody({ approval }));
  const [card] = await cardsFor(body.id, 1);
  await new Promise((r) => setTimeout(r, 2500));
  const response = await fetch(links(card).approve, { method: 'POST', headers: { accept: 'application/json' } });
  expect(response.status).toBe(410);
  expect(JSON.stringify(await response.json())).toMatch(/expired/i);
  expect((await waitForRollout(stack, body.id, ['Expired', 'Completed', 'InProgress'])).status).toBe('Expired');
});
