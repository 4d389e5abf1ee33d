/**
 * What an approval request shows, and the port that sends one: activities call `SendApprovalCards` without
 * knowing Teams (adapters/teams/approval-card-sender.ts implements it).
 */
import type { CanarySpec, WaveSpec } from '../rollouts/rollout-spec';
import type { RolloutRecord } from '../rollouts/rollout-record';
import type { StageRef } from './approval-link';

/** The rollout as an approver sees it before deciding. */
export interface ApprovalRolloutSummary {
  rolloutId: string;
  /** e.g. "contoso/line-controller 2.0.0". */
  update: string;
  /** e.g. "query: tags.site = 'plant-a'" or "12 listed devices". */
  target: string;
  /** Device counts to show, label → number, in this order (e.g. { targeted: 2000 }). */
  counts: Record<string, number>;
  plan: { canary: CanarySpec; canarySoakMs: number; waves: WaveSpec[] };
  createdBy: string;
}

export interface ApprovalCardRequest {
  rollout: ApprovalRolloutSummary;
  stage: StageRef;
  approvers: string[];
  /** When the links stop working: normally the stage's expiry. */
  expiresAt: string;
  /** The app's public origin, e.g. https://ota.contoso.com or http://127.0.0.1:7071; links are under /api. */
  baseUrl: string;
}

/** Link ids only: the tokens are bearer credentials and must not land in orchestration history. */
export interface ApprovalCardsSent {
  cards: { approver: string; approveLinkId: string; rejectLinkId: string }[];
}

export type SendApprovalCards = (request: ApprovalCardRequest) => Promise<ApprovalCardsSent>;

export function updateLabel(id: { provider: string; name: string; version: string }): string {
  return `${id.provider}/${id.name} ${id.version}`;
}

export function summarizeRollout(record: RolloutRecord): ApprovalRolloutSummary {
  const { spec } = record;
  return {
    rolloutId: record.id,
    update: updateLabel(spec.updateId),
    target: 'query' in spec.target ? `query: ${spec.target.query}` : `${spec.target.deviceIds.length} listed devices`,
    counts: { targeted: record.targetedCount },
    plan: { canary: spec.canary, canarySoakMs: spec.canarySoakMs, waves: spec.waves },
    createdBy: record.createdBy,
  };
}
