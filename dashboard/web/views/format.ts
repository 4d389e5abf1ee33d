/** Small pieces of text and markup every view uses. */
import { html } from 'lit-html';
import type { RolloutStatus } from '../../../domain/rollouts/rollout-status';

/** A time in the reader's locale, machine-readable in `datetime`. */
export function time(at: string | null | undefined) {
  if (!at) return html`<span class="muted">—</span>`;
  const date = new Date(at);
  return html`<time datetime=${at}>${date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })}</time>`;
}

const tone: Record<RolloutStatus, 'ok' | 'warn' | 'bad' | 'info' | 'idle'> = {
  PendingApproval: 'warn', Scheduled: 'info', InProgress: 'info', Paused: 'warn', Completed: 'ok', RollingBack: 'bad',
  RolledBack: 'bad', Cancelled: 'idle', Rejected: 'idle', Expired: 'idle', Failed: 'bad',
};

/** The status as a word with a colour: the colour only repeats what the word says. */
export function statusBadge(status: RolloutStatus) {
  return html`<span class="badge badge-${tone[status] ?? 'idle'}">${splitWords(status)}</span>`;
}

/** `PendingApproval` → `Pending approval`. */
export function splitWords(identifier: string): string {
  const words = identifier.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const rolloutHref = (id: string) => `#/rollouts/${encodeURIComponent(id)}`;
