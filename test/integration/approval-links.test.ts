/**
 * Approval links end to end below HTTP: the Cosmos used-link store on the local stand-in (single use, also
 * under concurrent clicks), and the API handlers fed HttpRequest objects as the Functions host builds them.
 */
import type { Database } from '@azure/cosmos';
import { HttpRequest, type HttpResponseInit } from '@azure/functions';
import { CosmosUsedLinkStore } from '../../adapters/cosmos/approval-links';
import { createApprovalCardSender } from '../../adapters/teams/approval-card-sender';
import { createLinkMac, newLinkId } from '../../adapters/teams/hmac-link-signer';
import { LocalInboxNotifier } from '../../adapters/teams/local-inbox-notifier';
import type { ApprovalRolloutSummary } from '../../domain/approvals/approval-cards';
import { signApprovalLink, type ApprovalLink, type StageRef } from '../../domain/approvals/approval-link';
import type { DecideResult, LinkDecisionInput, UsedLink } from '../../domain/approvals/approval-link-use';
import { createApprovalLinksApi } from '../../functions/http/approval-links-api';
import { useProvisionedCosmos } from '../support/cosmos-database';

const provisioned = useProvisionedCosmos();
let database: Database;
beforeAll(() => { database = provisioned(); });

const mac = createLinkMac('an-integration-secret-of-32-characters!');
const base = 'http://127.0.0.1:7071';
const clock = { now: new Date('2025-03-01T10:00:00.000Z') };

function newLink(overrides: Partial<ApprovalLink> = {}): ApprovalLink {
  return {
    linkId: newLinkId(), rolloutId: 'ro-9', update: 'contoso/line-controller 2.0.0', stage: { name: 'quality', index: 0 },
    approver: 'qa1@contoso.com', decision: 'approve', expiresAt: '2025-03-02T10:00:00.000Z', ...overrides,
  };
}

function use(link: ApprovalLink, usedAt = '2025-03-01T10:00:00.000Z'): UsedLink {
  const { linkId, rolloutId, stage, approver, decision, expiresAt } = link;
  return { linkId, rolloutId, stage, approver, decision, expiresAt, usedAt };
}

describe('CosmosUsedLinkStore', () => {
  it('claims a link once; a second claim is refused with the first use\'s time', async () => {
    const store = new CosmosUsedLinkStore(database);
    const link = newLink();

    expect(await store.claim(use(link))).toEqual({ claimed: true });
    expect(await store.claim(use(link, '2025-03-01T11:00:00.000Z'))).toEqual({ claimed: false, usedAt: '2025-03-01T10:00:00.000Z' });
    expect(await store.get(link.linkId)).toEqual(use(link));
  });

  it('lets exactly one of many concurrent claims win', async () => {
    const store = new CosmosUsedLinkStore(database);
    const link = newLink();

    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.claim(use(link, `2025-03-01T10:00:0${i}.000Z`))));

    expect(results.filter((r) => r.claimed)).toHaveLength(1);
    expect(results.filter((r) => !r.claimed)).toHaveLength(7);
  });

  it('releases a claim (and releasing twice is harmless)', async () => {
    const store = new CosmosUsedLinkStore(database);
    const link = newLink();
    await store.claim(use(link));

    await store.release(link.linkId);
    await store.release(link.linkId);

    expect(await store.get(link.linkId)).toBeUndefined();
    expect(await store.claim(use(link))).toEqual({ claimed: true });
  });
});

describe('approval link API', () => {
  const decisions: LinkDecisionInput[] = [];
  let pending = true;
  let answer: DecideResult = { ok: true };
  const api = () => createApprovalLinksApi({
    mac, now: () => clock.now, usedLinks: new CosmosUsedLinkStore(database),
    stageIsPending: async (_rolloutId: string, _stage: StageRef) => pending,
    decide: async (input) => { decisions.push(input); return answer; },
  });

  beforeEach(() => {
    decisions.length = 0;
    pending = true;
    answer = { ok: true };
    clock.now = new Date('2025-03-01T10:00:00.000Z');
  });

  const tokenOf = (link: ApprovalLink) => signApprovalLink(link, mac);
  const request = (method: 'GET' | 'POST', token: string, init: { headers?: Record<string, string>; body?: string } = {}) =>
    new HttpRequest({ method, url: `${base}/api/approval-links/${token}`, params: { token }, headers: init.headers ?? {}, ...(init.body !== undefined ? { body: { string: init.body } } : {}) });
  const get = (token: string, headers?: Record<string, string>) => api().show(request('GET', token, { headers }));
  const post = (token: string, init?: { headers?: Record<string, string>; body?: string }) => api().use(request('POST', token, init));
  const confirm = (token: string, comment = '') =>
    post(token, { headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-ms-client-principal-name': 'qa1@contoso.com' }, body: new URLSearchParams({ comment }).toString() });
  const text = (response: HttpResponseInit) => String(response.body);

  it('GET shows a confirmation page with a form posting back, and decides nothing', async () => {
    const link = newLink({ decision: 'reject' });
    const token = tokenOf(link);

    const response = await get(token);

    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
    for (const shown of ['ro-9', 'contoso/line-controller 2.0.0', '1: quality', 'reject', 'qa1@contoso.com', '2025-03-02T10:00:00.000Z']) expect(text(response)).toContain(shown);
    expect(text(response)).toMatch(/<form method="post">/);
    expect(text(response)).toContain('name="comment"');
    expect(decisions).toEqual([]);
    expect(await new CosmosUsedLinkStore(database).get(link.linkId)).toBeUndefined();
  });

  it('GET answers JSON when asked', async () => {
    const link = newLink();

    const response = await get(tokenOf(link), { accept: 'application/json' });

    expect(response).toMatchObject({ status: 200, jsonBody: { rolloutId: 'ro-9', update: link.update, stage: link.stage, approver: 'qa1@contoso.com', decision: 'approve', expiresAt: link.expiresAt } });
  });

  it('POST decides with the comment, then a replay is refused with 410', async () => {
    const token = tokenOf(newLink());

    const first = await confirm(token, 'line 4 verified');

    expect(first.status).toBe(200);
    expect(text(first)).toContain('recorded');
    expect(decisions).toEqual([{ rolloutId: 'ro-9', stage: { name: 'quality', index: 0 }, approver: 'qa1@contoso.com', decision: 'approve', comment: 'line 4 verified', signedInAs: 'qa1@contoso.com' }]);

    const replay = await confirm(token);
    expect(replay.status).toBe(410);
    expect(text(replay)).toContain('already used at 2025-03-01T10:00:00.000Z');
    expect((await get(token)).status).toBe(410);
    expect(decisions).toHaveLength(1);
  });

  it('POST answers JSON when asked, refusals as problem+json', async () => {
    const token = tokenOf(newLink());
    const json = { accept: 'application/json', 'content-type': 'application/json' };

    expect(await post(token, { headers: json, body: JSON.stringify({ comment: 'ok' }) })).toMatchObject({
      status: 200, jsonBody: { outcome: 'recorded', rolloutId: 'ro-9', decision: 'approve', usedAt: '2025-03-01T10:00:00.000Z' },
    });
    expect(await post(token, { headers: json })).toMatchObject({
      status: 410, headers: { 'Content-Type': 'application/problem+json' }, jsonBody: { status: 410, title: 'Approval link already used', refusal: 'used' },
    });
  });

  it('concurrent POSTs of one link: exactly one decides, the others get 410', async () => {
    const token = tokenOf(newLink());

    const responses = await Promise.all(Array.from({ length: 6 }, () => confirm(token)));

    expect(responses.map((r) => r.status).sort()).toEqual([200, 410, 410, 410, 410, 410]);
    expect(decisions).toHaveLength(1);
  });

  it('refuses a forged link with 403, on GET and POST', async () => {
    const forged = signApprovalLink(newLink(), createLinkMac('not-the-service-secret-but-32-chars-long'));

    expect((await get(forged)).status).toBe(403);
    const response = await confirm(forged);
    expect(response.status).toBe(403);
    expect(text(response)).toContain('was not issued by this service or was altered');
    expect(decisions).toEqual([]);
  });

  it('refuses an altered link (reject turned into approve) with 403', async () => {
    const [payload, signature] = tokenOf(newLink({ decision: 'reject' })).split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const altered = `${Buffer.from(JSON.stringify({ ...claims, decision: 'approve' })).toString('base64url')}.${signature}`;

    expect((await confirm(altered)).status).toBe(403);
    expect(decisions).toEqual([]);
  });

  it('refuses an expired link with 410', async () => {
    const token = tokenOf(newLink({ expiresAt: '2025-03-01T09:59:59.000Z' }));

    const response = await confirm(token);

    expect(response.status).toBe(410);
    expect(text(response)).toContain('expired at 2025-03-01T09:59:59.000Z');
    expect(decisions).toEqual([]);
  });

  it('refuses a malformed token with 400 naming the token', async () => {
    expect((await confirm('not-a-token')).status).toBe(400);
    expect(await post('a.b*c', { headers: { accept: 'application/json' } })).toMatchObject({ status: 400, jsonBody: { errors: [{ field: 'token' }] } });
  });

  it('refuses with 409 when the rollout no longer waits on the stage, and keeps the link unused', async () => {
    const link = newLink();
    pending = false;

    const response = await confirm(tokenOf(link));

    expect(response.status).toBe(409);
    expect(text(response)).toContain('no longer waits on stage &#39;quality&#39;'); // HTML-escaped
    expect(await new CosmosUsedLinkStore(database).get(link.linkId)).toBeUndefined();
  });

  it('passes on the rollout\'s own refusal and gives the link back for another try', async () => {
    const token = tokenOf(newLink());
    answer = { ok: false, status: 403, reason: 'ops@contoso.com created this rollout and cannot approve it' };

    const refused = await post(token, { headers: { accept: 'application/json' } });
    expect(refused).toMatchObject({ status: 403, jsonBody: { refusal: 'declined', detail: expect.stringContaining('cannot approve it') } });

    answer = { ok: true };
    expect((await confirm(token)).status).toBe(200);
  });

  it('refuses a bad comment with 4xx', async () => {
    const token = tokenOf(newLink());

    expect((await post(token, { headers: { 'content-type': 'application/json' }, body: '{"comment": 5}' })).status).toBe(400);
    expect((await post(token, { headers: { 'content-type': 'application/json' }, body: '{oops' })).status).toBe(400);
    expect((await post(token, { headers: { 'content-type': 'text/plain' }, body: 'hi' })).status).toBe(415);
    expect((await confirm(token, 'x'.repeat(2001))).status).toBe(400);
    expect(decisions).toEqual([]);
  });

  it('escapes what it shows', async () => {
    const response = await get(tokenOf(newLink({ approver: '<script>alert(1)</script>@contoso.com' })));

    expect(text(response)).not.toContain('<script>');
    expect(text(response)).toContain('&#60;script&#62;');
  });

  it('follows a card\'s buttons from the local inbox like a person would', async () => {
    const inbox = new LocalInboxNotifier();
    const rollout: ApprovalRolloutSummary = {
      rolloutId: 'ro-9', update: 'contoso/line-controller 2.0.0', target: 'query: *', counts: { targeted: 3 },
      plan: { canary: { devices: 1 }, canarySoakMs: 60_000, waves: [{ percent: 100, soakMs: 60_000 }] }, createdBy: 'ops@contoso.com',
    };
    await createApprovalCardSender({ mac, notifier: inbox, newLinkId })({ rollout, stage: { name: 'quality', index: 0 }, approvers: ['qa1@contoso.com'], expiresAt: '2025-03-02T10:00:00.000Z', baseUrl: base });

    const approveUrl = inbox.messages()[0]!.attachments[0]!.content.actions[0]!.url;
    const token = approveUrl.slice(`${base}/api/approval-links/`.length);

    expect((await get(token)).status).toBe(200);
    expect((await confirm(token)).status).toBe(200);
    expect(decisions).toEqual([expect.objectContaining({ approver: 'qa1@contoso.com', decision: 'approve' })]);
  });
});
