/** Every rollout with its per-wave progress and health, active ones first. */
import { html } from 'lit-html';
import { repeat } from 'lit-html/directives/repeat.js';
import type { RolloutView } from '../../../domain/rollouts/rollout-view';
import { dashboardOrder, isActive, updateLabel } from '../model/rollout-progress';
import { rolloutHref, statusBadge, time } from './format';
import { healthCounts, waveProgressBar } from './wave-progress';

export type RolloutFilter = 'active' | 'all';

export function rolloutsTable(rollouts: readonly RolloutView[] | undefined, filter: RolloutFilter, onFilter: (filter: RolloutFilter) => void, canCreate: boolean) {
  const shown = dashboardOrder(rollouts ?? []).filter((r) => filter === 'all' || isActive(r.status));
  return html`
    <section class="panel wide" aria-labelledby="rollouts-heading">
      <div class="panel-head">
        <h2 id="rollouts-heading">Rollouts</h2>
        ${canCreate ? html`<a class="button-link" href="#/new">New rollout</a>` : ''}
        <label class="inline">Show
          <select @change=${(e: Event) => onFilter((e.target as HTMLSelectElement).value as RolloutFilter)}>
            <option value="all" ?selected=${filter === 'all'}>all rollouts</option>
            <option value="active" ?selected=${filter === 'active'}>active rollouts only</option>
          </select>
        </label>
      </div>
      ${rollouts === undefined ? html`<p>Loading…</p>` : shown.length === 0 ? html`<p>No rollouts${filter === 'active' ? ' in progress' : ''}.</p>` : html`
        <div class="table-scroll">
          <table class="stack-narrow">
            <caption class="visually-hidden">Rollouts, active first, newest first</caption>
            <thead><tr><th scope="col">Rollout</th><th scope="col">Update</th><th scope="col">Status</th><th scope="col">Waves</th><th scope="col">Health</th><th scope="col">Created</th></tr></thead>
            <tbody>
              ${repeat(shown, (r) => r.id, (r) => html`
                <tr>
                  <th scope="row"><a class="id" href=${rolloutHref(r.id)}>${r.id}</a></th>
                  <td data-label="Update">${updateLabel(r)}</td>
                  <td data-label="Status">${statusBadge(r.status)}</td>
                  <td data-label="Waves">${r.waves.length ? r.waves.map((w) => waveProgressBar(w)) : html`<span class="muted">not planned yet</span>`}</td>
                  <td data-label="Health">${healthCounts(r.counts)}</td>
                  <td data-label="Created">${time(r.createdAt)}<br><span class="muted">by ${r.createdBy}</span></td>
                </tr>`)}
            </tbody>
          </table>
        </div>`}
    </section>`;
}
