/** Rollouts waiting for an approval; the signed-in approver decides here. */
import { html } from 'lit-html';
import { repeat } from 'lit-html/directives/repeat.js';
import type { RolloutView } from '../../../domain/rollouts/rollout-view';
import { updateLabel } from '../model/rollout-progress';
import { approvalControls, type Decide } from './approval-controls';
import { rolloutHref, time } from './format';

export function approvalsPanel(rollouts: readonly RolloutView[] | undefined, canApprove: boolean, busy: ReadonlySet<string>, onDecide: Decide) {
  const pending = (rollouts ?? []).filter((r) => r.status === 'PendingApproval').sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return html`
    <section class="panel" aria-labelledby="approvals-heading">
      <h2 id="approvals-heading">Pending approvals</h2>
      ${rollouts === undefined ? html`<p>Loading…</p>` : pending.length === 0 ? html`<p>Nothing waits for an approval.</p>` : html`
        ${canApprove ? '' : html`<p class="muted">Your role cannot approve: an approver or an admin decides these.</p>`}
        <ul class="cards">
          ${repeat(pending, (r) => r.id, (r) => html`
            <li class="card">
              <h3><a href=${rolloutHref(r.id)}>${r.id}</a></h3>
              <p>${updateLabel(r)}, created by ${r.createdBy} ${time(r.createdAt)}</p>
              <p class="reason">${r.reason}</p>
              ${canApprove ? approvalControls(r.id, busy.has(r.id), onDecide) : ''}
            </li>`)}
        </ul>`}
    </section>`;
}
