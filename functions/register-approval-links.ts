/**
 * Approval links behind the Teams card buttons: the link signer, the card sender for the activity that requests
 * approvals, and the links' API (its routes are in routes.ts). Deciding goes through the approval use case, the
 * same as POST /api/rollouts/{id}/approvals.
 */
import type { InvocationContext } from '@azure/functions';
import type { ApprovalUseCases } from '../application/approvals/decide-approval';
import type { SendApprovalCards } from '../domain/approvals/approval-cards';
import type { UsedLinkStore } from '../domain/approvals/approval-link-use';
import { createApprovalCardSender } from '../adapters/teams/approval-card-sender';
import { createLinkMac, minSecretLength, newLinkId } from '../adapters/teams/hmac-link-signer';
import type { TeamsNotifier } from '../adapters/teams/teams-notifier';
import { ConfigError } from './config';
import { createApprovalLinksApi } from './http/approval-links-api';
import { refusalHttp } from './http/refusal-response';

export interface ApprovalLinksWiring {
  /** The APPROVAL_LINK_SECRET setting: the HMAC key of every link (changing it voids the links out there). */
  secret: string;
  /** new CosmosUsedLinkStore(database) */
  usedLinks: UsedLinkStore;
  /** WebhookNotifier (Workflows URL) in Azure, LocalInboxNotifier locally. */
  notifier: TeamsNotifier;
  /** The approval use cases of one invocation (they signal the orchestration through its durable client). */
  approvals: (context: InvocationContext) => ApprovalUseCases;
  now?: () => Date;
}

export function approvalLinks(wiring: ApprovalLinksWiring) {
  if (wiring.secret.length < minSecretLength) throw new ConfigError(`APPROVAL_LINK_SECRET must be at least ${minSecretLength} characters`);
  const mac = createLinkMac(wiring.secret);
  const now = wiring.now ?? (() => new Date());
  const sendApprovalCards: SendApprovalCards = createApprovalCardSender({ mac, notifier: wiring.notifier, newLinkId });
  const api = (context: InvocationContext) => {
    const approvals = wiring.approvals(context);
    return createApprovalLinksApi({
      mac, now, usedLinks: wiring.usedLinks,
      stageIsPending: (rolloutId, stage) => approvals.stageIsPending(rolloutId, stage),
      decide: async (input) => {
        const decided = await approvals.decideByLink(input);
        return decided.ok ? { ok: true } : { ok: false, status: refusalHttp[decided.refusal.code].status, reason: decided.refusal.message };
      },
    });
  };
  return { sendApprovalCards, api };
}
