import { createHmac } from 'node:crypto';
import { readApprovalLink, signApprovalLink, type ApprovalLink, type LinkMac } from '../../../../domain/approvals/approval-link';
import { encodeBase64url } from '../../../../common/base64url';

const macWith = (secret: string): LinkMac => (message) => createHmac('sha256', secret).update(message).digest();
const mac = macWith('a-test-secret-of-at-least-32-characters');
const now = new Date('2025-03-01T10:00:00.000Z');

const link: ApprovalLink = {
  linkId: 'Zm9vYmFyYmF6cXV4MTIz',
  rolloutId: 'ro-1',
  update: 'contoso/line-controller 2.0.0',
  stage: { name: 'quality', index: 0 },
  approver: 'qa1@contoso.com',
  decision: 'approve',
  expiresAt: '2025-03-02T10:00:00.000Z',
};

/** Re-encodes the payload with `change` applied, keeping the original signature. */
function alter(token: string, change: (claims: Record<string, unknown>) => void): string {
  const [payload, signature] = token.split('.') as [string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  change(claims);
  return `${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

describe('approval links', () => {
  it('reads back a link it signed', () => {
    const token = signApprovalLink(link, mac);

    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(readApprovalLink(token, mac, now)).toEqual({ ok: true, link });
  });

  it('carries base64url(payload JSON) . base64url(HMAC-SHA256 of that payload)', () => {
    const [payload, signature] = signApprovalLink(link, mac).split('.') as [string, string];
    const bytes = Buffer.from(payload, 'base64url');

    expect(JSON.parse(bytes.toString('utf8'))).toEqual({ v: 1, ...link });
    expect(signature).toBe(createHmac('sha256', 'a-test-secret-of-at-least-32-characters').update(bytes).digest('base64url'));
  });

  it('refuses a link signed with another key as forged', () => {
    const token = signApprovalLink(link, macWith('somebody-else-s-secret-of-32-characters'));

    expect(readApprovalLink(token, mac, now)).toMatchObject({ ok: false, refusal: { kind: 'forged' } });
  });

  it.each([
    ['the decision', (c: Record<string, unknown>) => { c.decision = 'reject'; }],
    ['the approver', (c: Record<string, unknown>) => { c.approver = 'mallory@contoso.com'; }],
    ['the stage', (c: Record<string, unknown>) => { c.stage = { name: 'plant manager', index: 1 }; }],
    ['the expiry', (c: Record<string, unknown>) => { c.expiresAt = '2030-01-01T00:00:00.000Z'; }],
  ])('refuses a link whose payload was altered (%s) as forged', (_what, change) => {
    const token = alter(signApprovalLink(link, mac), change);

    expect(readApprovalLink(token, mac, now)).toMatchObject({ ok: false, refusal: { kind: 'forged' } });
  });

  it('refuses a replaced signature as forged', () => {
    const [payload] = signApprovalLink(link, mac).split('.');
    const token = `${payload}.${Buffer.alloc(32, 7).toString('base64url')}`;

    expect(readApprovalLink(token, mac, now)).toMatchObject({ ok: false, refusal: { kind: 'forged' } });
  });

  it('refuses an expired link, at its expiry and after', () => {
    const token = signApprovalLink(link, mac);

    expect(readApprovalLink(token, mac, new Date(link.expiresAt))).toMatchObject({
      ok: false, refusal: { kind: 'expired', reason: `the link expired at ${link.expiresAt}`, link },
    });
    expect(readApprovalLink(token, mac, new Date('2025-04-01T00:00:00Z'))).toMatchObject({ ok: false, refusal: { kind: 'expired' } });
    expect(readApprovalLink(token, mac, new Date(Date.parse(link.expiresAt) - 1)).ok).toBe(true);
  });

  describe('refuses a tampered or truncated token as malformed', () => {
    const token = signApprovalLink(link, mac);
    const [payload, signature] = token.split('.') as [string, string];
    const lastBitsFlipped = (text: string) => {
      // 32 bytes → 43 characters whose last one carries 2 unused bits; setting one gives the same bytes in theory.
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      return text.slice(0, -1) + alphabet[alphabet.indexOf(text.at(-1)!) | 1];
    };

    it.each([
      ['an empty token', ''],
      ['no dot', payload + signature],
      ['three parts', `${token}.extra`],
      ['an empty payload', `.${signature}`],
      ['a character outside base64url', `${payload.slice(0, 10)}*${payload.slice(11)}.${signature}`],
      ['standard base64 with padding', `${payload}.${Buffer.from(signature, 'base64url').toString('base64')}`],
      ['a length no bytes encode to', `${payload}.${signature.slice(0, 41)}`],
      ['non-canonical trailing bits', `${payload}.${lastBitsFlipped(signature)}`],
      ['an over-long token', `${'A'.repeat(3000)}.${signature}`],
    ])('%s', (_what, tampered) => {
      expect(readApprovalLink(tampered, mac, now)).toMatchObject({ ok: false, refusal: { kind: 'malformed' } });
    });
  });

  it('refuses a cut-off signature that is still base64url as forged (it does not match)', () => {
    const [payload, signature] = signApprovalLink(link, mac).split('.') as [string, string];

    expect(readApprovalLink(`${payload}.${signature.slice(0, 40)}`, mac, now)).toMatchObject({ ok: false, refusal: { kind: 'forged' } });
  });

  it('refuses a validly signed payload that is not a link as malformed', () => {
    const payload = new TextEncoder().encode(JSON.stringify({ v: 1, hello: 'world' }));
    const token = `${encodeBase64url(payload)}.${encodeBase64url(mac(payload))}`;

    expect(readApprovalLink(token, mac, now)).toMatchObject({ ok: false, refusal: { kind: 'malformed' } });
  });

  it('will not sign a link that could not be read back', () => {
    expect(() => signApprovalLink({ ...link, linkId: 'short' }, mac)).toThrow(/linkId/);
    expect(() => signApprovalLink({ ...link, decision: 'maybe' as never }, mac)).toThrow(/decision/);
    expect(() => signApprovalLink({ ...link, stage: { name: 'quality', index: -1 } }, mac)).toThrow(/stage/);
    expect(() => signApprovalLink({ ...link, expiresAt: 'tomorrow' }, mac)).toThrow(/expiresAt/);
  });
});
