/**
 * The approval links behind the Teams card buttons.
 *   GET  /api/approval-links/{token}: a confirmation page; decides nothing (link scanners open every GET).
 *   POST /api/approval-links/{token}: checks the link, uses it up, decides (form field or JSON `comment`).
 * Answers HTML for people and JSON when the request accepts application/json. Refusals: 400 malformed,
 * 403 forged or altered, 410 expired or already used, 409 the stage is no longer pending.
 */
import { principalFromHeaders } from './principal';
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { ApprovalLink, LinkRefusal } from '../../domain/approvals/approval-link';
import { inspectApprovalLink, useApprovalLink, type ApprovalLinkDeps, type Decide, type DecisionDeclined } from '../../domain/approvals/approval-link-use';
import { callerName } from './caller';
import { problem } from './problem';

export type ApprovalLinksApiDeps = ApprovalLinkDeps & { decide: Decide };

type Refusal = LinkRefusal | DecisionDeclined;

const maxCommentLength = 2000;
const refusalStatus: Record<LinkRefusal['kind'], number> = { malformed: 400, forged: 403, expired: 410, used: 410, 'stage-not-pending': 409 };
const refusalTitle: Record<Refusal['kind'], string> = {
  malformed: 'Malformed approval link',
  forged: 'Invalid approval link',
  expired: 'Approval link expired',
  used: 'Approval link already used',
  'stage-not-pending': 'Stage no longer pending',
  declined: 'Decision refused',
};

/** The token is a credential in the URL: never cache, never pass it on as a Referer, never frame the page. */
const pageHeaders = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Robots-Tag': 'noindex',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

export function createApprovalLinksApi(deps: ApprovalLinksApiDeps) {
  return {
    async show(request: HttpRequest): Promise<HttpResponseInit> {
      const json = wantsJson(request);
      const checked = await inspectApprovalLink(request.params.token ?? '', deps);
      if (!checked.ok) return refuse(checked.refusal, json);
      const { link } = checked;
      if (json) return { status: 200, headers: { 'Cache-Control': 'no-store' }, jsonBody: linkView(link) };
      return html(200, `${verb(link)} rollout ${link.rolloutId}?`, confirmationBody(link));
    },

    async use(request: HttpRequest): Promise<HttpResponseInit> {
      const json = wantsJson(request);
      const comment = await readComment(request);
      if (!comment.ok) return comment.response;
      const signedInAs = callerName(request);
      const signedInGroups = principalFromHeaders(request.headers)?.groups;
      const used = await useApprovalLink(request.params.token ?? '', deps, {
        ...(comment.value ? { comment: comment.value } : {}),
        ...(signedInAs ? { signedInAs } : {}),
        ...(signedInGroups ? { signedInGroups } : {}),
      });
      if (!used.ok) return refuse(used.refusal, json);
      const { link, usedAt } = used;
      if (json) return { status: 200, headers: { 'Cache-Control': 'no-store' }, jsonBody: { outcome: 'recorded', ...linkView(link), usedAt } };
      const done = link.decision === 'approve' ? 'Approved' : 'Rejected';
      return html(200, `${done}: rollout ${link.rolloutId}`,
        `<p>Your decision to <strong>${link.decision}</strong> rollout ${esc(link.rolloutId)} (${esc(link.update)}) at stage ` +
        `"${esc(link.stage.name)}" was recorded at ${esc(usedAt)} for ${esc(link.approver)}.</p>` +
        '<p>You can close this page. The link is now used up.</p>');
    },
  };
}

function wantsJson(request: HttpRequest): boolean {
  return (request.headers.get('accept') ?? '').toLowerCase().includes('application/json');
}

function linkView(link: ApprovalLink) {
  const { rolloutId, update, stage, approver, decision, expiresAt } = link;
  return { rolloutId, update, stage, approver, decision, expiresAt };
}

function refuse(refusal: Refusal, json: boolean): HttpResponseInit {
  const status = refusal.kind === 'declined' ? refusal.status : refusalStatus[refusal.kind];
  const title = refusalTitle[refusal.kind];
  const detail = `This approval link cannot be used: ${refusal.reason}.`;
  if (json) {
    const response = problem(status, title, detail, refusal.kind === 'malformed' ? [{ field: 'token', message: refusal.reason }] : undefined);
    return { ...response, headers: { ...response.headers, 'Cache-Control': 'no-store' }, jsonBody: { ...(response.jsonBody as object), refusal: refusal.kind } };
  }
  const advice = refusal.kind === 'malformed' || refusal.kind === 'forged'
    ? 'Open the button on the Teams card again; if it keeps failing, ask for a new approval request.'
    : refusal.kind === 'expired' ? 'Ask the rollout owner for a new approval request.' : '';
  return html(status, title, `<p>${esc(detail)}</p>${advice ? `<p>${advice}</p>` : ''}`);
}

/** The optional comment, from the page's form or a JSON body; anything else is the client's mistake (4xx). */
async function readComment(request: HttpRequest): Promise<{ ok: true; value?: string } | { ok: false; response: HttpResponseInit }> {
  const bad = (status: number, message: string) => ({ ok: false as const, response: problem(status, 'Invalid request', message, [{ field: 'comment', message }]) });
  const text = await request.text();
  if (!text.trim()) return { ok: true };
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  let comment: unknown;
  if (type === 'application/x-www-form-urlencoded') {
    comment = new URLSearchParams(text).get('comment') ?? undefined;
  } else if (type === 'application/json') {
    try {
      comment = (JSON.parse(text) as { comment?: unknown } | null)?.comment;
    } catch {
      return bad(400, 'the body is not valid JSON');
    }
  } else {
    return bad(415, 'send the comment as a form field or in a JSON body');
  }
  if (comment === undefined || comment === null) return { ok: true };
  if (typeof comment !== 'string') return bad(400, 'comment must be a string');
  if (comment.length > maxCommentLength) return bad(400, `comment must be at most ${maxCommentLength} characters`);
  return { ok: true, value: comment.trim() || undefined };
}

function verb(link: ApprovalLink): string {
  return link.decision === 'approve' ? 'Approve' : 'Reject';
}

function confirmationBody(link: ApprovalLink): string {
  const row = (label: string, value: string) => `<tr><th>${label}</th><td>${esc(value)}</td></tr>`;
  // No action attribute: the form posts back to this very URL, token included.
  return '<p>Nothing has been decided yet: confirm below.</p>' +
    '<table>' +
    row('Rollout', link.rolloutId) + row('Update', link.update) +
    row('Stage', `${link.stage.index + 1}: ${link.stage.name}`) + row('Decision', link.decision) +
    row('Approver', link.approver) + row('Link expires', link.expiresAt) +
    '</table>' +
    '<form method="post">' +
    `<p><label for="comment">Comment (optional)</label><br><textarea id="comment" name="comment" rows="3" cols="60" maxlength="${maxCommentLength}"></textarea></p>` +
    `<p><button type="submit" class="${link.decision}">${verb(link)} as ${esc(link.approver)}</button></p>` +
    '</form>' +
    '<p class="note">This link works once, only for this approver and this stage.</p>';
}

function html(status: number, title: string, body: string): HttpResponseInit {
  const style = 'body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem}' +
    'th{text-align:left;padding-right:1rem}button{font-size:1rem;padding:.5rem 1rem}' +
    '.approve{background:#2e7d32;color:#fff}.reject{background:#c62828;color:#fff}.note{color:#555}';
  return {
    status,
    headers: pageHeaders,
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
      `<title>${esc(title)}</title><style>${style}</style></head><body><h1>${esc(title)}</h1>${body}</body></html>`,
  };
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
