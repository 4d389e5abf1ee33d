/** A rollout's audit trail: who did what, when, in the chain's order. */
import { html } from 'lit-html';
import type { AuditEntry } from '../../../domain/audit/audit-entry';
import { time } from './format';

export function auditTable(entries: readonly AuditEntry[] | undefined) {
  return html`
    <section class="panel" aria-labelledby="audit-heading">
      <h3 id="audit-heading">Audit trail</h3>
      ${entries === undefined ? html`<p>Loading…</p>` : entries.length === 0 ? html`<p>No audit entry yet.</p>` : html`
        <div class="table-scroll">
          <table>
            <thead><tr><th scope="col" class="num">#</th><th scope="col">At</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Details</th></tr></thead>
            <tbody>${entries.map((e) => html`
              <tr><td class="num">${e.sequence}</td><td>${time(e.at)}</td><td>${e.actor}</td><th scope="row">${e.action}</th><td class="details">${describe(e.details)}</td></tr>`)}
            </tbody>
          </table>
        </div>`}
    </section>`;
}

/** `key: value` pairs of the details, short values only (the report and `GET /api/audit` have them all). */
function describe(details: unknown): string {
  if (typeof details !== 'object' || details === null) return '';
  return Object.entries(details)
    .filter(([key, value]) => key !== 'stepId' && value !== null && typeof value !== 'object')
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join('; ');
}
