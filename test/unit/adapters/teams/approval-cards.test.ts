import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { summarizeRollout, type ApprovalRolloutSummary } from '../../../../domain/approvals/approval-cards';
import { readApprovalLink } from '../../../../domain/approvals/approval-link';
import type { RolloutRecord } from '../../../../domain/rollouts/rollout-record';
import { buildApprovalCard, formatDuration } from '../../../../adapters/teams/adaptive-card';
import { approvalLinkUrl, createApprovalCardSender } from '../../../../adapters/teams/approval-card-sender';
import { createLinkMac, newLinkId } from '../../../../adapters/teams/hmac-link-signer';
import { LocalInboxNotifier } from '../../../../adapters/teams/local-inbox-notifier';
import { TeamsWebhookError, WebhookNotifier } from '../../../../adapters/teams/webhook-notifier';

const rollout: ApprovalRolloutSummary = {
  rolloutId: 'ro-42',
  update: 'contoso/line-controller 2.0.0',
  target: "query: tags.site = 'plant-a'",
  counts: { targeted: 2000 },
  plan: { canary: { devices: 10 }, canarySoakMs: 3_600_000, waves: [{ percent: 25, soakMs: 7_200_000 }, { percent: 100, soakMs: 86_400_000 }] },
  createdBy: 'ops@contoso.com',
};
const stage = { name: 'quality', index: 0 };
const expiresAt = '2025-03-02T10:00:00.000Z';

describe('buildApprovalCard', () => {
  const message = buildApprovalCard({
    rollout, stage, approver: 'qa1@contoso.com', expiresAt,
    approveUrl: 'https://ota.contoso.com/api/approval-links/approve-token',
    rejectUrl: 'https://ota.contoso.com/api/approval-links/reject-token',
  });

  it('is a Workflows webhook message with one Adaptive Card', () => {
    expect(message).toMatchObject({
      type: 'message',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.4' } }],
    });
    expect(message.attachments).toHaveLength(1);
  });

  it('has exactly two Action.OpenUrl buttons, Approve and Reject, with their links', () => {
    expect(message.attachments[0]!.content.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Approve', url: 'https://ota.contoso.com/api/approval-links/approve-token', style: 'positive' },
      { type: 'Action.OpenUrl', title: 'Reject', url: 'https://ota.contoso.com/api/approval-links/reject-token', style: 'destructive' },
    ]);
  });

  it('shows the rollout, update, target, counts, plan, stage, approver and expiry', () => {
    const card = message.attachments[0]!.content;
    const facts = Object.fromEntries((card.body.find((e) => e.type === 'FactSet')!.facts as { title: string; value: string }[]).map((f) => [f.title, f.value]));

    expect(facts).toEqual({
      Rollout: 'ro-42',
      Update: 'contoso/line-controller 2.0.0',
      Target: "query: tags.site = 'plant-a'",
      Targeted: '2000 devices',
      Canary: '10 devices, soak 1 h',
      'Wave 1': 'up to 25 % of devices, soak 2 h',
      'Wave 2': 'up to 100 % of devices, soak 1 d',
      'Requested by': 'ops@contoso.com',
      'Links expire': '2025-03-02 10:00 UTC',
    });
    expect(JSON.stringify(card.body)).toContain('Stage 1 \\"quality\\", for qa1@contoso.com');
  });

  it('formats durations for people', () => {
    expect([formatDuration(90_061_000), formatDuration(1_800_000), formatDuration(45_000), formatDuration(0)]).toEqual(['1 d 1 h 1 min 1 s', '30 min', '45 s', '0 ms']);
  });
});

describe('sending approval cards', () => {
  const mac = createLinkMac('a-test-secret-of-at-least-32-characters');

  it('posts one card per approver whose buttons are that approver\'s signed links', async () => {
    const inbox = new LocalInboxNotifier();
    const send = createApprovalCardSender({ mac, notifier: inbox, newLinkId });

    const sent = await send({ rollout, stage, approvers: ['qa1@contoso.com', 'qa2@contoso.com', 'QA1@contoso.com'], expiresAt, baseUrl: 'http://127.0.0.1:7071/' });

    const messages = inbox.messages();
    expect(messages).toHaveLength(2);
    expect(sent.cards.map((c) => c.approver)).toEqual(['qa1@contoso.com', 'qa2@contoso.com']);
    for (const [i, message] of messages.entries()) {
      const [approve, reject] = message.attachments[0]!.content.actions;
      for (const [action, decision, linkId] of [[approve, 'approve', sent.cards[i]!.approveLinkId], [reject, 'reject', sent.cards[i]!.rejectLinkId]] as const) {
        const token = action!.url.replace('http://127.0.0.1:7071/api/approval-links/', '');
        expect(readApprovalLink(token, mac, new Date('2025-03-01T00:00:00Z'))).toEqual({
          ok: true,
          link: { linkId, rolloutId: 'ro-42', update: rollout.update, stage, approver: sent.cards[i]!.approver, decision, expiresAt },
        });
      }
    }
  });

  it('builds link URLs under /api of the base URL', () => {
    expect(approvalLinkUrl('https://ota.contoso.com//', 'abc.def')).toBe('https://ota.contoso.com/api/approval-links/abc.def');
  });

  it('summarizes a rollout record for the card', () => {
    const record = {
      id: 'ro-7', createdBy: 'ops@contoso.com', targetedCount: 12,
      spec: { updateId: { provider: 'contoso', name: 'gw', version: '1.2.3' }, target: { deviceIds: ['a', 'b'] }, canary: { percent: 5 }, canarySoakMs: 1000, waves: [{ percent: 100, soakMs: 2000 }] },
    } as unknown as RolloutRecord;

    expect(summarizeRollout(record)).toEqual({
      rolloutId: 'ro-7', update: 'contoso/gw 1.2.3', target: '2 listed devices', counts: { targeted: 12 },
      plan: { canary: { percent: 5 }, canarySoakMs: 1000, waves: [{ percent: 100, soakMs: 2000 }] }, createdBy: 'ops@contoso.com',
    });
  });

  it('refuses a short secret', () => {
    expect(() => createLinkMac('too-short')).toThrow(/at least 32/);
  });

  it('makes unguessable, Cosmos-safe link ids', () => {
    const ids = new Set(Array.from({ length: 100 }, newLinkId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});

describe('Teams notifiers', () => {
  const message = buildApprovalCard({ rollout, stage, approver: 'qa1@contoso.com', approveUrl: 'http://a', rejectUrl: 'http://r', expiresAt });

  it('the local inbox keeps what was posted, newest last, as posted', async () => {
    const inbox = new LocalInboxNotifier();
    const second = { ...message, attachments: [] };
    await inbox.post(message);
    await inbox.post(second);

    expect(inbox.messages()).toEqual([message, second]);
  });

  describe('the Workflows webhook', () => {
    let server: Server;
    let url: string;
    let status = 202;
    const received: { method?: string; type?: string; body: unknown }[] = [];

    beforeAll(async () => {
      server = createServer((req: IncomingMessage, res) => {
        let body = '';
        req.on('data', (chunk) => { body += chunk; });
        req.on('end', () => {
          received.push({ method: req.method, type: req.headers['content-type'], body: JSON.parse(body) });
          res.writeHead(status).end(status >= 400 ? 'Flow trigger is disabled' : '');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/workflows/abc/triggers/manual/paths/invoke?sig=secret`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('POSTs the message as JSON', async () => {
      status = 202;
      await new WebhookNotifier(url).post(message);

      expect(received.at(-1)).toEqual({ method: 'POST', type: 'application/json', body: message });
    });

    it('fails with the status on a non-2xx answer, without leaking the signed URL', async () => {
      status = 400;
      const error = await new WebhookNotifier(url).post(message).catch((err: unknown) => err);

      expect(error).toBeInstanceOf(TeamsWebhookError);
      expect(error).toMatchObject({ status: 400, message: 'the Teams webhook answered 400: Flow trigger is disabled' });
      expect(String((error as Error).message)).not.toContain('sig=');
    });
  });
});
