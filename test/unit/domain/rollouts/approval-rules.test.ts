import { checkApprover, stageProgress } from '../../../../domain/rollouts/approval-rules';

const quality = { name: 'quality', approvers: ['qa1@contoso.com', 'qa2@contoso.com', 'ops@contoso.com'], quorum: 2, timeoutMs: 1 };
const decided = (approver: string, stage = 'quality', decision: 'approve' | 'reject' = 'approve') => ({ approver, decision, stage, at: '' });

describe('checkApprover', () => {
  it.each([
    ['a listed approver', 'qa1@contoso.com', [], { ok: true }],
    ['the creator, even when listed', 'ops@contoso.com', [], { ok: false, code: 'creator-cannot-approve' }],
    ['someone not listed', 'eve@contoso.com', [], { ok: false, code: 'not-an-approver' }],
    ['a person who decided already (any stage)', 'QA1@contoso.com', [decided('qa1@contoso.com', 'other')], { ok: false, code: 'already-decided' }],
  ])('%s', (_what, caller, decisions, expected) => {
    expect(checkApprover({ caller, createdBy: 'ops@contoso.com', stage: quality, decisions })).toMatchObject(expected);
  });
});

describe('stageProgress', () => {
  it.each([
    [[], 0, false],
    [[decided('qa1@contoso.com')], 1, false],
    [[decided('qa1@contoso.com'), decided('qa2@contoso.com')], 2, true],
    [[decided('qa1@contoso.com'), decided('QA1@contoso.com')], 1, false],
    [[decided('qa1@contoso.com'), decided('qa2@contoso.com', 'plant')], 1, false],
  ])('%j → %i approvals, quorum met: %s', (decisions, approvals, met) => {
    expect(stageProgress(quality, decisions)).toEqual({ approvals, met });
  });
});

describe('group approvers', () => {
  const stage = { name: 'quality', approvers: ['group:qa-team', 'lead@contoso.com'], quorum: 1, timeoutMs: 1 };
  it.each([
    ['a member of the listed group', 'ann@contoso.com', ['qa-team'], { ok: true }],
    ['someone in other groups only', 'bob@contoso.com', ['ops-team'], { ok: false, code: 'not-an-approver' }],
    ['a member who created the rollout', 'ops@contoso.com', ['qa-team'], { ok: false, code: 'creator-cannot-approve' }],
  ])('%s', (_what, caller, groups, expected) => {
    expect(checkApprover({ caller, callerGroups: groups, createdBy: 'ops@contoso.com', stage, decisions: [] })).toMatchObject(expected);
  });
});
