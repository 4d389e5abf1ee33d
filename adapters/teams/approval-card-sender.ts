/**
 * Sends a stage's approval request: per approver, an approve link and a reject link, and one card.
 *
 * One card per approver rather than one per stage listing everybody's buttons: each link speaks for one person,
 * so a shared card would invite clicking a colleague's button (deciding in their name). A card per approver
 * says whose buttons these are, and lets a Workflow route each card to that person's chat.
 *
 * Not idempotent: a retried activity posts fresh cards with fresh links. That is safe, because each link is
 * single-use and the rollout counts a person once per stage; it is only noisy.
 */
import type { ApprovalCardRequest, ApprovalCardsSent, SendApprovalCards } from '../../domain/approvals/approval-cards';
import { signApprovalLink, type LinkDecision, type LinkMac } from '../../domain/approvals/approval-link';
import { buildApprovalCard } from './adaptive-card';
import type { TeamsNotifier } from './teams-notifier';

export interface ApprovalCardSenderDeps {
  mac: LinkMac;
  notifier: TeamsNotifier;
  newLinkId: () => string;
}

/** Where a link's token is served (functions/http/approval-links-api.ts). */
export function approvalLinkUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/api/approval-links/${token}`;
}

export function createApprovalCardSender(deps: ApprovalCardSenderDeps): SendApprovalCards {
  return async (request: ApprovalCardRequest): Promise<ApprovalCardsSent> => {
    const { rollout, stage, expiresAt, baseUrl } = request;
    const link = (approver: string, decision: LinkDecision) => {
      const linkId = deps.newLinkId();
      const token = signApprovalLink({ linkId, rolloutId: rollout.rolloutId, update: rollout.update, stage, approver, decision, expiresAt }, deps.mac);
      return { linkId, url: approvalLinkUrl(baseUrl, token) };
    };
    const cards: ApprovalCardsSent['cards'] = [];
    for (const approver of distinct(request.approvers)) {
      const approve = link(approver, 'approve');
      const reject = link(approver, 'reject');
      await deps.notifier.post(buildApprovalCard({ rollout, stage, approver, approveUrl: approve.url, rejectUrl: reject.url, expiresAt }));
      cards.push({ approver, approveLinkId: approve.linkId, rejectLinkId: reject.linkId });
    }
    return { cards };
  };
}

/** Approvers once each, ignoring case (mail addresses), in the order given. */
function distinct(approvers: string[]): string[] {
  const seen = new Set<string>();
  return approvers.filter((a) => !seen.has(a.toLowerCase()) && seen.add(a.toLowerCase()));
}
