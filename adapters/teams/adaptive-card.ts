/**
 * The approval request as an Adaptive Card inside a Workflows webhook message. The buttons are Action.OpenUrl:
 * Action.Submit and Action.Execute need a bot, Action.Http works only in Outlook. Each button opens a
 * confirmation page; nothing is decided until the approver confirms there.
 */
import type { ApprovalRolloutSummary } from '../../domain/approvals/approval-cards';
import type { StageRef } from '../../domain/approvals/approval-link';
import type { CanarySpec } from '../../domain/rollouts/rollout-spec';
import { adaptiveCardContentType, type AdaptiveCard, type TeamsMessage } from './teams-notifier';

export interface ApprovalCardInput {
  rollout: ApprovalRolloutSummary;
  stage: StageRef;
  approver: string;
  approveUrl: string;
  rejectUrl: string;
  expiresAt: string;
}

/** 1.4: the newest schema every Teams client (desktop, web, mobile) renders. */
const cardVersion = '1.4';

export function buildApprovalCard(input: ApprovalCardInput): TeamsMessage {
  const { rollout, stage } = input;
  const fact = (title: string, value: string) => ({ title, value });
  const card: AdaptiveCard = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: cardVersion,
    body: [
      { type: 'TextBlock', text: `Approval needed: ${rollout.update}`, size: 'Large', weight: 'Bolder', wrap: true },
      { type: 'TextBlock', text: `Stage ${stage.index + 1} "${stage.name}", for ${input.approver}`, isSubtle: true, spacing: 'None', wrap: true },
      {
        type: 'FactSet',
        facts: [
          fact('Rollout', rollout.rolloutId),
          fact('Update', rollout.update),
          fact('Target', rollout.target),
          ...Object.entries(rollout.counts).map(([label, count]) => fact(capitalize(label), `${count} devices`)),
          fact('Canary', `${describeCanary(rollout.plan.canary)}, soak ${formatDuration(rollout.plan.canarySoakMs)}`),
          ...rollout.plan.waves.map((wave, i) => fact(`Wave ${i + 1}`, `up to ${wave.percent} % of devices, soak ${formatDuration(wave.soakMs)}`)),
          fact('Requested by', rollout.createdBy),
          fact('Links expire', formatInstant(input.expiresAt)),
        ],
      },
      {
        type: 'TextBlock',
        text: 'Each button opens a confirmation page; nothing is decided until you confirm there. The buttons are for this approver only and work once.',
        size: 'Small', isSubtle: true, wrap: true,
      },
    ],
    actions: [
      { type: 'Action.OpenUrl', title: 'Approve', url: input.approveUrl, style: 'positive' },
      { type: 'Action.OpenUrl', title: 'Reject', url: input.rejectUrl, style: 'destructive' },
    ],
    msteams: { width: 'Full' },
  };
  return { type: 'message', attachments: [{ contentType: adaptiveCardContentType, content: card }] };
}

function describeCanary(canary: CanarySpec): string {
  return 'devices' in canary ? `${canary.devices} devices` : `${canary.percent} % of devices`;
}

/** Milliseconds as "1 d 2 h", "30 min", "45 s": an approver reads the plan, not ISO 8601. */
export function formatDuration(ms: number): string {
  const units: [string, number][] = [['d', 86_400_000], ['h', 3_600_000], ['min', 60_000], ['s', 1_000]];
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count} ${unit}`);
    rest -= count * size;
  }
  return parts.length ? parts.join(' ') : `${rest} ms`;
}

function formatInstant(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
