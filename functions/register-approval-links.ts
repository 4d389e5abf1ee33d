/**
 * Registers the approval-link pages and, when Teams is the local stand-in, the local inbox; returns the
 * approval-card sender for the activity that requests approvals.
 */
import { app, type HttpHandler, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { SendApprovalCards } from '../domain/approvals/approval-cards';
import type { StageRef } from '../domain/approvals/approval-link';
import type { DecideResult, LinkDecisionInput, UsedLinkStore } from '../domain/approvals/approval-link-use';
import { createApprovalCardSender } from '../adapters/teams/approval-card-sender';
import { createLinkMac, minSecretLength, newLinkId } from '../adapters/teams/hmac-link-signer';
import { LocalInboxNotifier } from '../adapters/teams/local-inbox-notifier';
import type { TeamsNotifier } from '../adapters/teams/teams-notifier';
import { bounded } from './http/body-limit';
import { ConfigError } from './config';
import { createApprovalLinksApi } from './http/approval-links-api';

export interface ApprovalLinksWiring {
  /** The APPROVAL_LINK_SECRET setting: the HMAC key of every link (changing it voids the links out there). */
  secret: string;
  /** new CosmosUsedLinkStore(database) */
  usedLinks: UsedLinkStore;
  /** WebhookNotifier (Workflows URL) in Azure, LocalInboxNotifier locally. */
  notifier: TeamsNotifier;
  /** Called with the invocation context, so it can use the durable client (the routes declare it). */
  stageIsPending: (rolloutId: string, stage: StageRef, context: InvocationContext) => Promise<boolean>;
  decide: (input: LinkDecisionInput, context: InvocationContext) => Promise<DecideResult>;
  now?: () => Date;
  /**
   * Wraps the two link routes, e.g. `(h) => secured('rollouts.approve', h)` to also require a signed-in
   * approver. Without it the signed link alone authorizes (it speaks for one approver, once).
   */
  guard?: (handler: HttpHandler) => HttpHandler;
}

export function registerApprovalLinks(wiring: ApprovalLinksWiring): { sendApprovalCards: SendApprovalCards } {
  if (wiring.secret.length < minSecretLength) throw new ConfigError(`APPROVAL_LINK_SECRET must be at least ${minSecretLength} characters`);
  const mac = createLinkMac(wiring.secret);
  const now = wiring.now ?? (() => new Date());

  const durableClient = df.input.durableClient();
  const apiFor = (context: InvocationContext) => createApprovalLinksApi({
    mac, now, usedLinks: wiring.usedLinks,
    stageIsPending: (rolloutId, stage) => wiring.stageIsPending(rolloutId, stage, context),
    decide: (input) => wiring.decide(input, context),
  });
  const guard = wiring.guard ?? ((handler: HttpHandler) => handler);
  const route = (name: string, method: 'GET' | 'POST', handler: (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>) =>
    app.http(name, { methods: [method], route: 'approval-links/{token}', authLevel: 'anonymous', extraInputs: [durableClient], handler: guard(bounded(handler)) });
  route('showApprovalLink', 'GET', (request, context) => apiFor(context).show(request));
  route('useApprovalLink', 'POST', (request, context) => apiFor(context).use(request));

  const { notifier } = wiring;
  if (notifier instanceof LocalInboxNotifier) {
    app.http('localTeamsInbox', {
      methods: ['GET'], route: 'local/teams-inbox', authLevel: 'anonymous',
      handler: async () => ({ status: 200, jsonBody: notifier.messages() }),
    });
  }
  return { sendApprovalCards: createApprovalCardSender({ mac, notifier, newLinkId }) };
}
