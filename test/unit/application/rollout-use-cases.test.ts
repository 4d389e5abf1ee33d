/**
 * The rollout use cases on in-memory stores and a recording engine: what each refuses (by code) and what it sends
 * to the orchestrations. The same code serves the API, the Teams links and import rules' automatic rollouts.
 */
import type { RolloutEngine } from '../../../application/rollout-engine';
import { rolloutUseCases } from '../../../application/rollout-use-cases';
import type { RolloutRecord } from '../../../domain/rollouts/rollout-record';
import { InMemoryFleet } from '../../support/in-memory-fleet';
import { InMemoryRolloutStore, InMemoryUpdateStore } from '../../support/in-memory-stores';

const updateId = { provider: 'contoso', name: 'line-controller', version: '2.0.0' };
const body = (extra: Record<string, unknown> = {}) => ({ updateId, target: { deviceIds: ['a-0', 'a-1', 'a-2'] }, waves: [{ percent: 100, soak: 'PT1H' }], ...extra });
const approval = { approvers: ['qa@contoso.com'], timeout: 'PT1H' };

async function setUp(options: { finished?: boolean } = {}) {
  const rollouts = new InMemoryRolloutStore();
  const updates = new InMemoryUpdateStore();
  await updates.put({ updateId, compatibility: [{ model: 'ctl-a' }], files: [], createdAt: '2026-01-01T00:00:00Z' });
  const fleet = new InMemoryFleet([
    { count: 3, idPrefix: 'a-', tags: { site: 'a', model: 'ctl-a' }, installedVersion: '1.0.0' },
    { count: 1, idPrefix: 'b-', tags: { site: 'b', model: 'ctl-b' }, installedVersion: '1.0.0' },
  ]);
  const sent: { kind: string; rolloutId: string; payload?: unknown }[] = [];
  const engine: RolloutEngine = {
    start: async (rolloutId) => { sent.push({ kind: 'start', rolloutId }); },
    sendApproval: async (rolloutId, payload) => { sent.push({ kind: 'approval', rolloutId, payload }); return !options.finished; },
    sendControl: async (rolloutId, payload) => { sent.push({ kind: 'control', rolloutId, payload }); return !options.finished; },
  };
  let ids = 0;
  const useCases = rolloutUseCases({ rollouts, updates, fleet, engine, now: () => new Date('2026-11-30T10:00:00Z'), newId: () => `ro-${++ids}` });
  return { useCases, rollouts, sent };
}

const created = async (useCases: Awaited<ReturnType<typeof setUp>>['useCases'], extra: Record<string, unknown> = {}): Promise<RolloutRecord> => {
  const outcome = await useCases.createRollout(body(extra), 'ops@contoso.com');
  if (!outcome.ok) throw new Error(outcome.refusal.message);
  return outcome.value;
};

describe('createRollout', () => {
  it('stores the rollout and starts its orchestration', async () => {
    const { useCases, rollouts, sent } = await setUp();
    const rollout = await created(useCases);
    expect(rollout).toMatchObject({ id: 'ro-1', status: 'Scheduled', targetedCount: 3, createdBy: 'ops@contoso.com' });
    expect(await rollouts.get('ro-1')).toBeDefined();
    expect(sent).toEqual([{ kind: 'start', rolloutId: 'ro-1' }]);
  });

  it.each([
    ['a body against the schema', { waves: [] }, 'invalid-request', 'waves'],
    ['an unknown update', { updateId: { ...updateId, version: '9.9.9' } }, 'unknown-update', 'updateId'],
    ['unknown device ids', { target: { deviceIds: ['a-0', 'zz-1'] } }, 'unknown-devices', 'target.deviceIds'],
    ['incompatible devices', { target: { deviceIds: ['a-0', 'b-0'] } }, 'incompatible-devices', 'target'],
  ])('refuses %s with a code and the field, and starts nothing', async (_what, extra, code, field) => {
    const { useCases, rollouts, sent } = await setUp();
    const outcome = await useCases.createRollout(body(extra), 'ops@contoso.com');
    expect(outcome).toMatchObject({ ok: false, refusal: { code, errors: [expect.objectContaining({ field })] } });
    expect(await rollouts.list()).toEqual([]);
    expect(sent).toEqual([]);
  });
});

describe('approvals', () => {
  it('sends a listed approver\'s decision on the current stage to the orchestration', async () => {
    const { useCases, sent } = await setUp();
    const rollout = await created(useCases, { approval });
    const outcome = await useCases.approvals.decide({ rolloutId: rollout.id, approver: 'qa@contoso.com', decision: 'approve', comment: 'ok' });
    expect(outcome.ok).toBe(true);
    expect(sent.at(-1)).toEqual({ kind: 'approval', rolloutId: rollout.id, payload: { approver: 'qa@contoso.com', decision: 'approve', stage: 'approval', comment: 'ok' } });
  });

  it.each([
    ['the creator', 'ops@contoso.com', 'creator-cannot-approve'],
    ['someone not listed', 'eve@contoso.com', 'not-an-approver'],
  ])('refuses %s', async (_what, approver, code) => {
    const { useCases, sent } = await setUp();
    const rollout = await created(useCases, { approval: { approvers: ['qa@contoso.com', 'ops@contoso.com'], timeout: 'PT1H' } });
    expect(await useCases.approvals.decide({ rolloutId: rollout.id, approver, decision: 'approve' })).toMatchObject({ ok: false, refusal: { code } });
    expect(sent.filter((s) => s.kind === 'approval')).toEqual([]);
  });

  it('refuses a rollout without approval policy, an unknown rollout and a finished orchestration', async () => {
    const plain = await setUp();
    const rollout = await created(plain.useCases);
    expect(await plain.useCases.approvals.decide({ rolloutId: rollout.id, approver: 'qa@contoso.com', decision: 'approve' })).toMatchObject({ ok: false, refusal: { code: 'no-approval-policy' } });
    expect(await plain.useCases.approvals.decide({ rolloutId: 'ro-nope', approver: 'qa@contoso.com', decision: 'approve' })).toMatchObject({ ok: false, refusal: { code: 'not-found' } });
    const finished = await setUp({ finished: true });
    const pending = await created(finished.useCases, { approval });
    expect(await finished.useCases.approvals.decide({ rolloutId: pending.id, approver: 'qa@contoso.com', decision: 'approve' })).toMatchObject({ ok: false, refusal: { code: 'not-awaiting-approval' } });
  });

  it('takes a link for a group only from a signed-in member, and a link for another stage not at all', async () => {
    const { useCases } = await setUp();
    const rollout = await created(useCases, { approval: { approvers: ['group:qa-team'], timeout: 'PT1H' } });
    const link = { rolloutId: rollout.id, stage: { index: 0, name: 'approval' }, approver: 'group:qa-team', decision: 'approve' as const };
    expect(await useCases.approvals.decideByLink(link)).toMatchObject({ ok: false, refusal: { code: 'sign-in-required' } });
    expect(await useCases.approvals.decideByLink({ ...link, stage: { index: 1, name: 'later' }, signedInAs: 'ann@contoso.com', signedInGroups: ['qa-team'] })).toMatchObject({ ok: false, refusal: { code: 'not-awaiting-approval' } });
    expect(await useCases.approvals.decideByLink({ ...link, signedInAs: 'ann@contoso.com', signedInGroups: ['qa-team'] })).toMatchObject({ ok: true });
  });
});

describe('control', () => {
  it('forwards an allowed action and refuses one the status does not allow', async () => {
    const { useCases, rollouts, sent } = await setUp();
    const rollout = await created(useCases);
    expect((await useCases.controlRollout(rollout.id, 'pause', 'ops@contoso.com')).ok).toBe(true);
    expect(sent.at(-1)).toEqual({ kind: 'control', rolloutId: rollout.id, payload: { action: 'pause', by: 'ops@contoso.com' } });
    expect(await useCases.controlRollout(rollout.id, 'resume', 'ops@contoso.com')).toMatchObject({ ok: false, refusal: { code: 'not-allowed-now', message: expect.stringContaining('only while Paused') } });
    await rollouts.update(rollout.id, (r) => ({ ...r, status: 'Completed' }));
    expect(await useCases.controlRollout(rollout.id, 'cancel', 'ops@contoso.com')).toMatchObject({ ok: false, refusal: { code: 'not-allowed-now', message: expect.stringContaining('(final)') } });
  });
});

describe('automatic rollouts', () => {
  it('creates one rollout per rule and update, however often the import runs', async () => {
    const { useCases, sent } = await setUp();
    const first = await useCases.startAutomaticRollout('rule-1', updateId, body());
    const again = await useCases.startAutomaticRollout('rule-1', updateId, body());
    expect(first).toEqual({ rolloutId: 'ro-1' });
    expect(again).toEqual(first);
    expect(sent.filter((s) => s.kind === 'start')).toHaveLength(1);
  });

  it('says why a rule\'s rollout is refused, with the code', async () => {
    const { useCases } = await setUp();
    expect(await useCases.startAutomaticRollout('rule-1', updateId, { target: { deviceIds: ['zz-1'] }, waves: [{ percent: 100, soak: 'PT1H' }] }))
      .toEqual({ refused: 'Unknown device ids: zz-1', code: 'unknown-devices' });
  });
});
