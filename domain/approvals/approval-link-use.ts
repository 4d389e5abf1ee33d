/**
 * Inspecting (GET) and using (POST) an approval link. GET never changes anything, because link scanners in
 * mail and chat open every URL they see; only POST claims the link and decides.
 *
 * Single use rests on the store's atomic create-if-absent: of two concurrent uses exactly one claims the link.
 */
import { readApprovalLink, type ApprovalLink, type LinkCheck, type LinkDecision, type LinkMac, type LinkRefusal, type StageRef } from './approval-link';

/** The record of a link's use, one per link id. */
export interface UsedLink {
  linkId: string;
  rolloutId: string;
  stage: StageRef;
  approver: string;
  decision: LinkDecision;
  usedAt: string;
  expiresAt: string;
}

export interface UsedLinkStore {
  /** Records the first use; when the link was used before, leaves that record and says when. */
  claim(use: UsedLink): Promise<{ claimed: true } | { claimed: false; usedAt: string }>;
  get(linkId: string): Promise<UsedLink | undefined>;
  /** Forgets a use whose decision did not take effect, so the approver can try again. */
  release(linkId: string): Promise<void>;
}

/** Whether the rollout still waits on this stage (not decided, expired, ended, or moved on). */
export type StageIsPending = (rolloutId: string, stage: StageRef) => Promise<boolean>;

export interface LinkDecisionInput {
  rolloutId: string;
  stage: StageRef;
  approver: string;
  decision: LinkDecision;
  comment?: string;
  /** The App Service authentication principal that clicked, when there is one (for the audit trail). */
  signedInAs?: string;
  /** That principal's groups: a link for a group (`group:<id>`) speaks for whichever member uses it. */
  signedInGroups?: string[];
}

/** `status` is the HTTP status to answer (e.g. 403 separation of duties, 409 no longer pending). */
export type DecideResult = { ok: true } | { ok: false; status: number; reason: string };
export type Decide = (input: LinkDecisionInput) => Promise<DecideResult>;

export interface ApprovalLinkDeps {
  mac: LinkMac;
  now: () => Date;
  usedLinks: UsedLinkStore;
  stageIsPending: StageIsPending;
}

/** The rollout refused the decision itself (after the link passed every check). */
export interface DecisionDeclined {
  kind: 'declined';
  status: number;
  reason: string;
  link: ApprovalLink;
}

export type LinkUse = { ok: true; link: ApprovalLink; usedAt: string } | { ok: false; refusal: LinkRefusal | DecisionDeclined };

/** Every check, none that changes anything: malformed, forged, expired, used, stage no longer pending. */
export async function inspectApprovalLink(token: string, deps: ApprovalLinkDeps): Promise<LinkCheck> {
  const read = readApprovalLink(token, deps.mac, deps.now());
  if (!read.ok) return read;
  const { link } = read;
  const used = await deps.usedLinks.get(link.linkId);
  if (used) return { ok: false, refusal: usedRefusal(link, used.usedAt) };
  if (!(await deps.stageIsPending(link.rolloutId, link.stage))) return { ok: false, refusal: notPending(link) };
  return read;
}

/** Checks the link, claims it (once), then decides; a declined or failed decision gives the link back. */
export async function useApprovalLink(
  token: string,
  deps: ApprovalLinkDeps & { decide: Decide },
  extras: { comment?: string; signedInAs?: string; signedInGroups?: string[] } = {},
): Promise<LinkUse> {
  const inspected = await inspectApprovalLink(token, deps);
  if (!inspected.ok) return inspected;
  const { link } = inspected;
  const usedAt = deps.now().toISOString();
  const { linkId, rolloutId, stage, approver, decision, expiresAt } = link;
  const claim = await deps.usedLinks.claim({ linkId, rolloutId, stage, approver, decision, expiresAt, usedAt });
  if (!claim.claimed) return { ok: false, refusal: usedRefusal(link, claim.usedAt) };

  let result: DecideResult;
  try {
    result = await deps.decide({ rolloutId, stage, approver, decision, ...extras });
  } catch (err) {
    await deps.usedLinks.release(linkId);
    throw err;
  }
  if (!result.ok) {
    await deps.usedLinks.release(linkId);
    return { ok: false, refusal: { kind: 'declined', status: result.status, reason: result.reason, link } };
  }
  return { ok: true, link, usedAt };
}

function usedRefusal(link: ApprovalLink, usedAt: string): LinkRefusal {
  return { kind: 'used', reason: `the link was already used at ${usedAt}; each link decides once`, link, usedAt };
}

function notPending(link: ApprovalLink): LinkRefusal {
  return {
    kind: 'stage-not-pending',
    reason: `rollout ${link.rolloutId} no longer waits on stage '${link.stage.name}' (it was decided, expired, or the rollout ended)`,
    link,
  };
}
