/** One rollout: what it is, where it stands, the controls the signed-in user may use, its waves, health and history. */
import { html } from 'lit-html';
import type { AuditEntry } from '../../../domain/audit/audit-entry';
import type { RolloutReport } from '../../../domain/reports/rollout-report';
import { controlActions, controlRefusal, type ControlAction } from '../../../domain/rollouts/rollout-control';
import { isFinal } from '../../../domain/rollouts/rollout-status';
import { waveLabel } from '../model/rollout-progress';
import { approvalControls, type Decide } from './approval-controls';
import { auditTable } from './audit-table';
import { splitWords, statusBadge, time } from './format';
import { healthChart } from './health-chart';
import { healthCounts, waveProgressBar } from './wave-progress';

export interface RolloutDetailProps {
  id: string;
  report: RolloutReport | undefined;
  audit: AuditEntry[] | undefined;
  canApprove: boolean;
  canControl: boolean;
  busy: boolean;
  onDecide: Decide;
  onControl: (id: string, action: ControlAction) => void;
}

const actionLabels: Record<ControlAction, string> = { pause: 'Pause', resume: 'Resume', cancel: 'Cancel', rollback: 'Roll back' };

export function rolloutDetail(props: RolloutDetailProps) {
  const { id, report } = props;
  return html`
    <p><a href="#/">← All rollouts</a></p>
    <h2 id="view-heading" tabindex="-1">Rollout ${id}</h2>
    ${report === undefined ? html`<p>Loading…</p>` : html`
      ${summary(report)}
      ${props.canControl ? controls(props, report) : ''}
      ${approvalSection(props, report)}
      ${wavesSection(report)}
      ${timelineSection(report)}
      ${auditTable(props.audit)}`}`;
}

function summary(report: RolloutReport) {
  const { provider, name, version } = report.update.updateId;
  // Set by newer versions of the service: a stable code for the reason, for scripts and filters.
  const reasonCode = (report as RolloutReport & { reasonCode?: string }).reasonCode;
  return html`
    <section class="panel" aria-label="Summary">
      <dl class="facts">
        <div><dt>Status</dt><dd id="rollout-status">${statusBadge(report.status)}</dd></div>
        <div><dt>Reason</dt><dd id="rollout-reason">${report.reason}</dd></div>
        ${reasonCode ? html`<div><dt>Reason code</dt><dd><code>${reasonCode}</code></dd></div>` : ''}
        <div><dt>Update</dt><dd>${provider}/${name} ${version}</dd></div>
        <div><dt>Target</dt><dd><code>${report.target}</code></dd></div>
        <div><dt>Created</dt><dd>${time(report.createdAt)} by ${report.createdBy}</dd></div>
        <div><dt>Devices</dt><dd>${report.counts.targeted} targeted ${healthCounts(report.counts)}</dd></div>
      </dl>
    </section>`;
}

function controls(props: RolloutDetailProps, report: RolloutReport) {
  const allowed = controlActions.filter((action) => controlRefusal(action, report.status) === undefined);
  return html`
    <section class="panel" aria-labelledby="controls-heading">
      <h3 id="controls-heading">Control</h3>
      ${allowed.length === 0 ? html`<p class="muted">${isFinal(report.status) ? 'Nothing to control: the rollout has ended.' : `Nothing to control while it is ${splitWords(report.status).toLowerCase()}.`}</p>` : html`
        <div class="buttons">
          ${allowed.map((action) => html`
            <button type="button" class=${action === 'cancel' || action === 'rollback' ? 'danger' : ''} ?disabled=${props.busy}
              @click=${() => props.onControl(props.id, action)}>${actionLabels[action]}</button>`)}
        </div>`}
    </section>`;
}

function approvalSection(props: RolloutDetailProps, report: RolloutReport) {
  const policy = report.approvalPolicy;
  if (!policy && report.approvals.length === 0) return '';
  return html`
    <section class="panel" aria-labelledby="approval-heading">
      <h3 id="approval-heading">Approval</h3>
      ${policy ? html`
        <ol class="stages">
          ${policy.stages.map((stage) => {
            const decided = report.approvals.filter((a) => a.stage === stage.name);
            return html`<li><strong>${stage.name}</strong>: ${stage.quorum} of ${stage.approvers.join(', ')}
              ${decided.length ? html`<ul>${decided.map((a) => html`<li>${a.decision === 'approve' ? 'Approved' : 'Rejected'} by ${a.approver} ${time(a.at)}${a.comment ? html`: “${a.comment}”` : ''}</li>`)}</ul>` : ''}</li>`;
          })}
        </ol>` : ''}
      ${report.status === 'PendingApproval' && props.canApprove ? approvalControls(props.id, props.busy, props.onDecide) : ''}
    </section>`;
}

function wavesSection(report: RolloutReport) {
  return html`
    <section class="panel" aria-labelledby="waves-heading">
      <h3 id="waves-heading">Waves</h3>
      ${report.waves.length === 0 ? html`<p class="muted">Not planned yet: waves are planned once the rollout starts.</p>` : html`
        <div class="table-scroll">
          <table>
            <thead><tr><th scope="col">Wave</th><th scope="col">Progress</th><th scope="col" class="num">Succeeded</th><th scope="col" class="num">Failed</th>
              <th scope="col" class="num">Pending</th><th scope="col" class="num">Rolled back</th><th scope="col">Started</th><th scope="col">Ended</th><th scope="col">Analysis</th></tr></thead>
            <tbody>${report.waves.map((w) => html`
              <tr><th scope="row">${waveLabel(w)}</th><td>${waveProgressBar(w, false)}</td><td class="num">${w.succeeded}</td><td class="num">${w.failed}</td>
                <td class="num">${w.pending}</td><td class="num">${w.rolledBack}</td><td>${time(w.startedAt)}</td><td>${time(w.endedAt)}</td>
                <td>${w.analysis ? html`${w.analysis.verdict}: ${w.analysis.reason}` : html`<span class="muted">—</span>`}</td></tr>`)}
            </tbody>
          </table>
        </div>
        <h4>Health timeline</h4>
        <div class="charts">${report.waves.map((w) => healthChart(waveLabel(w), w.healthTimeline))}</div>`}
    </section>`;
}

function timelineSection(report: RolloutReport) {
  return html`
    <section class="panel" aria-labelledby="timeline-heading">
      <h3 id="timeline-heading">Timeline</h3>
      <ol class="timeline">${report.timeline.map((e) => html`<li>${time(e.at)} <span class="event-${e.kind}">${e.text}</span></li>`)}</ol>
    </section>`;
}
