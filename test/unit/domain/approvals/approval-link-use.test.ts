import { createHmac } from 'node:crypto';
import { signApprovalLink, type ApprovalLink } from '../../../../domain/approvals/approval-link';
import { inspectApprovalLink, useApprovalLink, type Decide, type UsedLink, type UsedLinkStore } from '../../../../domain/approvals/approval-link-use';

const mac = (message: Uint8Array) => createHmac('sha256', 'a-test-secret-of-at-least-32-characters').update(message).digest();
const now = () => new Date('2025-03-01T10:00:00.000Z');

const link: ApprovalLink = {
  linkId: 'bGluay1pZC1mb3ItdGVzdHM',
  rolloutId: 'ro-1',
  update: 'contoso/line-controller 2.0.0',
  stage: { name: 'quality', index: 0 },
  approver: 'qa1@contoso.com',
  decision: 'reject',
  expiresAt: '2025-03-02T10:00:00.000Z',
};
const token = signApprovalLink(link, mac);

class MemoryUsedLinks implements UsedLinkStore {
  readonly uses = new Map<string, UsedLink>();
  async claim(use: UsedLink) {
    const earlier = this.uses.get(use.linkId);
    if (earlier) return { claimed: false as const, usedAt: earlier.usedAt };
    this.uses.set(use.linkId, use);
    return { claimed: true as const };
  }
  async get(linkId: string) { return this.uses.get(linkId); }
  async release(linkId: string) { this.uses.delete(linkId); }
}

function setup(options: { pending?: boolean; decide?: Decide } = {}) {
  const usedLinks = new MemoryUsedLinks();
  const decisions: unknown[] = [];
  const decide: Decide = options.decide ?? (async (input) => { decisions.push(input); return { ok: true }; });
  const deps = { mac, now, usedLinks, stageIsPending: async () => options.pending ?? true, decide };
  return { deps, usedLinks, decisions };
}

describe('using an approval link', () => {
  it('inspecting decides nothing and uses nothing up', async () => {
    const { deps, usedLinks, decisions } = setup();

    expect(await inspectApprovalLink(token, deps)).toEqual({ ok: true, link });
    expect(await inspectApprovalLink(token, deps)).toEqual({ ok: true, link });
    expect(usedLinks.uses.size).toBe(0);
    expect(decisions).toEqual([]);
  });

  it('decides once, with the comment and who was signed in, and records the use', async () => {
    const { deps, usedLinks, decisions } = setup();

    const used = await useApprovalLink(token, deps, { comment: 'fails line test 4', signedInAs: 'qa1@contoso.com' });

    expect(used).toEqual({ ok: true, link, usedAt: '2025-03-01T10:00:00.000Z' });
    expect(decisions).toEqual([{ rolloutId: 'ro-1', stage: link.stage, approver: 'qa1@contoso.com', decision: 'reject', comment: 'fails line test 4', signedInAs: 'qa1@contoso.com' }]);
    expect(usedLinks.uses.get(link.linkId)).toMatchObject({ rolloutId: 'ro-1', decision: 'reject', usedAt: '2025-03-01T10:00:00.000Z' });
  });

  it('refuses a second use, and shows it as used', async () => {
    const { deps, decisions } = setup();
    await useApprovalLink(token, deps);

    expect(await useApprovalLink(token, deps)).toMatchObject({ ok: false, refusal: { kind: 'used', usedAt: '2025-03-01T10:00:00.000Z' } });
    expect(await inspectApprovalLink(token, deps)).toMatchObject({ ok: false, refusal: { kind: 'used' } });
    expect(decisions).toHaveLength(1);
  });

  it('refuses a link whose stage the rollout no longer waits on', async () => {
    const { deps, usedLinks, decisions } = setup({ pending: false });

    expect(await useApprovalLink(token, deps)).toMatchObject({ ok: false, refusal: { kind: 'stage-not-pending', reason: expect.stringContaining("stage 'quality'") } });
    expect(usedLinks.uses.size).toBe(0);
    expect(decisions).toEqual([]);
  });

  it('gives the link back when the rollout declines the decision, so it can be tried again', async () => {
    const { deps, usedLinks } = setup({ decide: async () => ({ ok: false, status: 503, reason: 'the rollout is not reachable' }) });

    expect(await useApprovalLink(token, deps)).toMatchObject({ ok: false, refusal: { kind: 'declined', status: 503, reason: 'the rollout is not reachable' } });
    expect(usedLinks.uses.size).toBe(0);
  });

  it('gives the link back when deciding throws', async () => {
    const { deps, usedLinks } = setup({ decide: async () => { throw new Error('boom'); } });

    await expect(useApprovalLink(token, deps)).rejects.toThrow('boom');
    expect(usedLinks.uses.size).toBe(0);
  });

  it('checks the signature before anything is looked up', async () => {
    const { deps } = setup();
    deps.stageIsPending = async () => { throw new Error('must not be asked'); };

    expect(await useApprovalLink(`${token.split('.')[0]}.${'A'.repeat(43)}`, deps)).toMatchObject({ ok: false, refusal: { kind: 'forged' } });
  });
});
