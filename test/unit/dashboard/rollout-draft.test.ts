import { rolloutRequestSchema } from '../../../application/requests/request-schemas';
import { durationToMs } from '../../../domain/duration';
import { draftFieldOf, emptyDraft, errorsByField, rolloutBody, rolloutDefaults } from '../../../dashboard/web/model/rollout-draft';

const minimal = () => ({ ...emptyDraft(), update: 'contoso/line-controller/2.0.0', query: "tags.site = 'plant-a'", waves: [{ percent: '100', soak: 'PT1H' }] });

describe('the New rollout form', () => {
  it("shows as placeholders exactly the defaults the service fills in", () => {
    const filled = rolloutRequestSchema.parse(rolloutBody(minimal()));
    expect(filled.canary).toEqual({ devices: Number(rolloutDefaults.canaryDevices) });
    expect(filled.canarySoak).toBe(durationToMs(rolloutDefaults.canarySoak));
    expect(filled.healthCheckInterval).toBe(durationToMs(rolloutDefaults.healthCheckInterval));
    expect(filled.deviceTimeout).toBe(durationToMs(rolloutDefaults.deviceTimeout));
    expect(filled.healthSilenceTimeout).toBe(durationToMs(rolloutDefaults.healthSilenceTimeout));
    expect(filled.failureThreshold).toEqual({ percent: Number(rolloutDefaults.thresholdPercent), minDevices: Number(rolloutDefaults.thresholdMinDevices) });
    expect(filled.approval).toBeUndefined();
    const withApproval = rolloutRequestSchema.parse(rolloutBody({ ...minimal(), approvers: 'qa@contoso.com', approvalTimeout: 'PT1H' }));
    expect(withApproval.approval).toEqual({ stages: [expect.objectContaining({ quorum: Number(rolloutDefaults.quorum) })] });
  });

  it('sends what was typed: device ids, a percent canary, waves, approvers with their quorum', () => {
    const body = rolloutBody({
      ...minimal(), targetKind: 'deviceIds', deviceIds: 'd-1, d-2\nd-3', canaryKind: 'percent', canary: '10', canarySoak: ' PT2M ',
      waves: [{ percent: '50', soak: 'PT5M' }, { percent: '100', soak: 'PT5M' }], thresholdCount: '3',
      approvers: 'qa@contoso.com, group:1234', quorum: '2', approvalTimeout: 'PT24H',
    });
    expect(body).toEqual({
      updateId: { provider: 'contoso', name: 'line-controller', version: '2.0.0' },
      target: { deviceIds: ['d-1', 'd-2', 'd-3'] },
      canary: { percent: 10 },
      canarySoak: 'PT2M',
      waves: [{ percent: 50, soak: 'PT5M' }, { percent: 100, soak: 'PT5M' }],
      // One threshold field typed: the blank ones keep the defaults their placeholders show.
      failureThreshold: { percent: 5, minDevices: 10, count: 3 },
      approval: { stages: [{ name: 'approval', approvers: ['qa@contoso.com', 'group:1234'], quorum: 2, timeout: 'PT24H' }] },
    });
    expect(rolloutRequestSchema.safeParse(body).success).toBe(true);
  });

  it("shows each refused field next to the control that holds it", () => {
    expect(draftFieldOf('updateId.version', 1)).toBe('updateId');
    expect(draftFieldOf('target.query', 1)).toBe('target');
    expect(draftFieldOf('target.deviceIds', 1)).toBe('target');
    expect(draftFieldOf('canary.devices', 1)).toBe('canary');
    expect(draftFieldOf('canarySoak', 1)).toBe('canarySoak');
    expect(draftFieldOf('waves[1].soak', 2)).toBe('waves[1].soak');
    expect(draftFieldOf('waves[5].soak', 2)).toBe('waves');
    expect(draftFieldOf('waves', 2)).toBe('waves');
    expect(draftFieldOf('failureThreshold.minDevices', 1)).toBe('failureThreshold.minDevices');
    expect(draftFieldOf('approval.stages[0].quorum', 1)).toBe('quorum');
    expect(draftFieldOf('approval.stages[0].timeout', 1)).toBe('approvalTimeout');
    expect(draftFieldOf('approval', 1)).toBe('approvers');
    expect(draftFieldOf('maintenanceWindows[0]', 1)).toBe('(form)');
  });

  it("keeps the service's words, naming the inner field where the control holds more than one", () => {
    const errors = errorsByField([{ field: 'canarySoak', message: 'not an ISO 8601 duration' }, { field: 'target.query', message: 'unknown field' }, { field: '(body)', message: 'boom' }], 1);
    expect([...errors]).toEqual([['canarySoak', ['not an ISO 8601 duration']], ['target', ['target.query: unknown field']], ['(form)', ['boom']]]);
  });
});
