/** The keyed HMAC-SHA256 and random link ids that domain/approvals/approval-link.ts needs (it does no crypto). */
import { createHmac, randomBytes } from 'node:crypto';
import type { LinkMac } from '../../domain/approvals/approval-link';

/** At least 256 bits of secret for HMAC-SHA256; a shorter one is a configuration mistake. */
export const minSecretLength = 32;

export function createLinkMac(secret: string): LinkMac {
  if (secret.length < minSecretLength) throw new Error(`the approval link secret must be at least ${minSecretLength} characters`);
  return (message) => createHmac('sha256', secret).update(message).digest();
}

/** 128 random bits, base64url: unguessable, and safe as a Cosmos document id. */
export function newLinkId(): string {
  return randomBytes(16).toString('base64url');
}
