/**
 * Signed approval links: the Approve / Reject buttons of a Teams card. A link speaks for one approver, one
 * rollout, one stage and one decision until it expires. Token = base64url(payload JSON) '.' base64url(HMAC).
 *
 * The HMAC is injected (domain/ does no crypto). It covers the payload bytes exactly as carried, so nothing is
 * re-serialised before checking, and the signature is checked before the JSON is even parsed: any change to
 * the payload is "forged", not "malformed".
 */
import { decodeBase64url, encodeBase64url } from '../../common/base64url';
import { sameBytes } from './same-bytes';

export type LinkDecision = 'approve' | 'reject';

/** A stage of the rollout's approval policy: its name, and its position (0-based) so renamed stages differ. */
export interface StageRef {
  name: string;
  index: number;
}

export interface ApprovalLink {
  /** Random nonce; names the link's single-use record, so it must be Cosmos-safe ([A-Za-z0-9_-]). */
  linkId: string;
  rolloutId: string;
  /** What the rollout deploys, e.g. "contoso/line-controller 2.0.0", as signed when the card was sent. */
  update: string;
  stage: StageRef;
  approver: string;
  decision: LinkDecision;
  /** ISO 8601 instant; the link is refused from then on. */
  expiresAt: string;
}

/** HMAC-SHA256 keyed with the link secret. */
export type LinkMac = (message: Uint8Array) => Uint8Array;

export type LinkRefusal =
  | { kind: 'malformed'; reason: string }
  | { kind: 'forged'; reason: string }
  | { kind: 'expired'; reason: string; link: ApprovalLink }
  | { kind: 'used'; reason: string; link: ApprovalLink; usedAt: string }
  | { kind: 'stage-not-pending'; reason: string; link: ApprovalLink };

export type LinkCheck = { ok: true; link: ApprovalLink } | { ok: false; refusal: LinkRefusal };

/** Tokens longer than this are refused unread (a real one is well under 1 KB). */
export const maxTokenLength = 2048;
const payloadVersion = 1;
const linkIdPattern = /^[A-Za-z0-9_-]{16,64}$/;
const utf8 = new TextEncoder();

export function signApprovalLink(link: ApprovalLink, mac: LinkMac): string {
  const problem = invalidLink(link);
  if (problem) throw new Error(`cannot sign approval link: ${problem}`);
  // Only the known fields, in a fixed order: a wider object passed in must not smuggle extra claims.
  const { linkId, rolloutId, update, stage, approver, decision, expiresAt } = link;
  const claims = { v: payloadVersion, linkId, rolloutId, update, stage: { name: stage.name, index: stage.index }, approver, decision, expiresAt };
  const payload = utf8.encode(JSON.stringify(claims));
  return `${encodeBase64url(payload)}.${encodeBase64url(mac(payload))}`;
}

/** The checks that need nothing but the token, the key and the time: malformed, forged, expired. */
export function readApprovalLink(token: string, mac: LinkMac, now: Date): LinkCheck {
  const malformed = (reason: string): LinkCheck => ({ ok: false, refusal: { kind: 'malformed', reason } });
  if (token.length > maxTokenLength) return malformed('the link is too long to be one of ours');
  const parts = token.split('.');
  if (parts.length !== 2) return malformed('the link token must have two parts separated by a dot; it may have been cut off');
  const payload = decodeBase64url(parts[0]!);
  const signature = decodeBase64url(parts[1]!);
  if (!payload || !signature || payload.length === 0) return malformed('the link token is not valid base64url; it may have been cut off or altered');

  if (!sameBytes(mac(payload), signature)) {
    return { ok: false, refusal: { kind: 'forged', reason: 'the link was not issued by this service or was altered (its signature does not match)' } };
  }
  const link = parsePayload(payload);
  if (!link) return malformed('the link content is not an approval link this service understands');
  if (Date.parse(link.expiresAt) <= now.getTime()) {
    return { ok: false, refusal: { kind: 'expired', reason: `the link expired at ${link.expiresAt}`, link } };
  }
  return { ok: true, link };
}

function parsePayload(bytes: Uint8Array): ApprovalLink | undefined {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const { v, linkId, rolloutId, update, stage, approver, decision, expiresAt } = json as Record<string, unknown>;
  if (v !== payloadVersion || typeof stage !== 'object' || stage === null) return undefined;
  const { name, index } = stage as Record<string, unknown>;
  const link = { linkId, rolloutId, update, stage: { name, index }, approver, decision, expiresAt } as ApprovalLink;
  return invalidLink(link) ? undefined : link;
}

/** Why `link` cannot be a link (signing refuses it; reading treats it as malformed), or undefined. */
function invalidLink(link: ApprovalLink): string | undefined {
  const text = (value: unknown) => typeof value === 'string' && value.trim() !== '';
  if (typeof link.linkId !== 'string' || !linkIdPattern.test(link.linkId)) return 'linkId must be 16-64 characters of [A-Za-z0-9_-]';
  if (!text(link.rolloutId) || !text(link.update) || !text(link.approver)) return 'rolloutId, update and approver must be non-empty';
  if (!text(link.stage.name) || !Number.isInteger(link.stage.index) || link.stage.index < 0) return 'stage needs a name and an index ≥ 0';
  if (link.decision !== 'approve' && link.decision !== 'reject') return 'decision must be approve or reject';
  if (typeof link.expiresAt !== 'string' || Number.isNaN(Date.parse(link.expiresAt))) return 'expiresAt must be an ISO 8601 instant';
  return undefined;
}
