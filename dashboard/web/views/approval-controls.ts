/** Approve / Reject with an optional comment: shown only to someone whose role may approve. */
import { html } from 'lit-html';

export type Decide = (id: string, decision: 'approve' | 'reject', comment: string) => void;

export function approvalControls(rolloutId: string, busy: boolean, onDecide: Decide) {
  const commentId = `comment-${rolloutId}`;
  const decide = (decision: 'approve' | 'reject') => (event: Event) => {
    const form = (event.target as HTMLElement).closest('form');
    const comment = form?.querySelector<HTMLInputElement>(`input[name=comment]`)?.value.trim() ?? '';
    onDecide(rolloutId, decision, comment);
  };
  return html`
    <form class="decide" @submit=${(e: Event) => e.preventDefault()}>
      <label for=${commentId}>Comment <span class="muted">(optional)</span></label>
      <input id=${commentId} name="comment" type="text" maxlength="2000">
      <button type="button" class="approve" ?disabled=${busy} aria-label=${`Approve rollout ${rolloutId}`} @click=${decide('approve')}>Approve</button>
      <button type="button" class="reject" ?disabled=${busy} aria-label=${`Reject rollout ${rolloutId}`} @click=${decide('reject')}>Reject</button>
    </form>`;
}
