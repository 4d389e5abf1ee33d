/**
 * The New rollout form (operators): which update, which devices, how fast, how careful, who approves. Blank fields
 * take the default their placeholder shows. A field the service refuses shows the service's message next to it.
 */
import { html, nothing } from 'lit-html';
import { live } from 'lit-html/directives/live.js';
import { repeat } from 'lit-html/directives/repeat.js';
import type { Update } from '../../../domain/updates/update';
import { rolloutDefaults as d, updateKey, type DraftField, type RolloutDraft } from '../model/rollout-draft';
import { idsMatch, queryMatch, type FleetCounts, type TargetMatch } from '../model/target-match';

export interface NewRolloutProps {
  draft: RolloutDraft;
  updates: Update[] | undefined;
  /** The fleet inventory, to count what a target reaches (undefined until read). */
  fleet: FleetCounts | undefined;
  errors: ReadonlyMap<DraftField | '(form)', string[]>;
  submitting: boolean;
  /** The draft was edited in place: draw again. */
  onChange: () => void;
  onSubmit: () => void;
}

/** Element ids of a field's control, hint and error. */
export const controlId = (field: DraftField) => `f-${field.replace(/[^A-Za-z0-9]+/g, '-')}`;

export function newRolloutForm(props: NewRolloutProps) {
  const { draft, errors } = props;
  /** Binds a text-like control to a draft property. */
  const bind = (set: (value: string) => void) => (event: Event) => {
    set((event.target as HTMLInputElement).value);
    props.onChange();
  };
  /** aria-invalid and aria-describedby of a field, and the error and hint to render after it. */
  const a11y = (field: DraftField, hint?: string) => {
    const id = controlId(field);
    const messages = errors.get(field);
    const ids = [messages ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean);
    return {
      invalid: messages ? 'true' : 'false',
      ids,
      describedBy: ids.join(' ') || nothing,
      after: html`${hint ? html`<p class="hint" id=${`${id}-hint`}>${hint}</p>` : ''}${messages ? html`<p class="field-error" id=${`${id}-error`}>${messages.join(' ')}</p>` : ''}`,
    };
  };
  /** A labelled text or number input. */
  const input = (field: DraftField, label: string, value: string, set: (v: string) => void, opts: { placeholder?: string; hint?: string; type?: 'text' | 'number'; required?: boolean } = {}) => {
    const f = a11y(field, opts.hint);
    return html`
      <div class="field">
        <label for=${controlId(field)}>${label}</label>
        <input id=${controlId(field)} type=${opts.type ?? 'text'} .value=${live(value)} @input=${bind(set)} placeholder=${opts.placeholder ?? nothing}
          ?required=${opts.required ?? false} aria-invalid=${f.invalid} aria-describedby=${f.describedBy} step=${opts.type === 'number' ? 'any' : nothing}>
        ${f.after}
      </div>`;
  };

  const formErrors = errors.get('(form)');
  const refused = [...errors.values()].flat().length;
  const update = a11y('updateId');
  const target = a11y('target', draft.targetKind === 'query'
    ? "IoT Hub twin query, e.g. tags.site = 'plant-a' AND tags.model = 'ctl-b', or properties.reported.ota.installedVersion = '1.0.0'"
    : 'Device ids separated by commas, spaces or new lines, e.g. plant-a-ctl-a-0');
  const approvers = a11y('approvers', 'Names, or group:<Entra group object id>, separated by commas. Leave blank to start without an approval.');
  const waves = a11y('waves');

  return html`
    <p><a href="#/">← All rollouts</a></p>
    <h2 id="view-heading" tabindex="-1">New rollout</h2>
    <form class="rollout-form" novalidate @submit=${(e: Event) => { e.preventDefault(); props.onSubmit(); }}>
      ${refused ? html`<div id="form-errors" class="panel error-summary" role="alert" tabindex="-1">
        <p><strong>The service refused the rollout.</strong> ${refused === 1 ? 'One field needs' : `${refused} fields need`} a change; each says why next to it.</p>
        ${formErrors ? html`<ul>${formErrors.map((m) => html`<li>${m}</li>`)}</ul>` : ''}
      </div>` : ''}
      <p class="muted">A blank field takes the default its placeholder shows.</p>

      <fieldset class="panel">
        <legend>What and where</legend>
        <div class="field">
          <label for=${controlId('updateId')}>Update</label>
          <select id=${controlId('updateId')} required aria-invalid=${update.invalid} aria-describedby=${update.describedBy}
            @change=${bind((v) => { draft.update = v; })}>
            <option value="" ?selected=${draft.update === ''}>${props.updates === undefined ? 'Loading updates…' : props.updates.length ? 'Choose an update' : 'No update is registered'}</option>
            ${(props.updates ?? []).map((u) => html`<option value=${updateKey(u.updateId)} ?selected=${draft.update === updateKey(u.updateId)}>${u.updateId.provider}/${u.updateId.name} ${u.updateId.version}</option>`)}
          </select>
          ${update.after}
        </div>
        <div class="field">
          <span class="label" id="target-kind-label">Target</span>
          <div class="choices" role="radiogroup" aria-labelledby="target-kind-label">
            ${(['query', 'deviceIds'] as const).map((kind) => html`
              <label class="inline"><input type="radio" name="target-kind" value=${kind} .checked=${live(draft.targetKind === kind)}
                @change=${() => { draft.targetKind = kind; props.onChange(); }}> ${kind === 'query' ? 'Twin query' : 'Device ids'}</label>`)}
          </div>
          <label for=${controlId('target')} class="visually-hidden">${draft.targetKind === 'query' ? 'Target query' : 'Target device ids'}</label>
          <textarea id=${controlId('target')} rows="2" required aria-invalid=${target.invalid} aria-describedby=${[...target.ids, 'target-match'].join(' ')}
            placeholder=${draft.targetKind === 'query' ? "tags.site = 'plant-a'" : 'plant-a-ctl-a-0, plant-a-ctl-a-1'}
            .value=${live(draft.targetKind === 'query' ? draft.query : draft.deviceIds)}
            @input=${bind((v) => { if (draft.targetKind === 'query') draft.query = v; else draft.deviceIds = v; })}></textarea>
          ${target.after}
          <p class="hint" id="target-match" aria-live="polite">${matchText(draft, props.fleet)}</p>
        </div>
      </fieldset>

      <fieldset class="panel">
        <legend>Canary and waves</legend>
        <div class="form-grid">
          <div class="field">
            <label for="f-canary-kind">Canary size in</label>
            <select id="f-canary-kind" @change=${bind((v) => { draft.canaryKind = v === 'percent' ? 'percent' : 'devices'; })}>
              <option value="devices" ?selected=${draft.canaryKind === 'devices'}>devices</option>
              <option value="percent" ?selected=${draft.canaryKind === 'percent'}>percent of the target</option>
            </select>
          </div>
          ${input('canary', draft.canaryKind === 'devices' ? 'Canary devices' : 'Canary percent', draft.canary, (v) => { draft.canary = v; },
            { type: 'number', placeholder: draft.canaryKind === 'devices' ? d.canaryDevices : `${d.canaryDevices} device` })}
          ${input('canarySoak', 'Canary soak', draft.canarySoak, (v) => { draft.canarySoak = v; }, { placeholder: d.canarySoak, hint: 'ISO 8601 duration: PT90S, PT30M, PT2H, P1D' })}
        </div>
        <fieldset class="waves" aria-describedby=${waves.describedBy}>
          <legend>Waves</legend>
          <p class="hint">Each wave's percent is cumulative: the share of the target updated when it ends; the last is usually 100.</p>
          <ol class="wave-rows">
            ${repeat(draft.waves, (w) => w, (w, i) => html`
              <li class="form-grid">
                ${input(`waves[${i}].percent`, `Wave ${i + 1} percent`, w.percent, (v) => { w.percent = v; }, { type: 'number', placeholder: i === draft.waves.length - 1 ? 'e.g. 100' : 'e.g. 50', required: true })}
                ${input(`waves[${i}].soak`, `Wave ${i + 1} soak`, w.soak, (v) => { w.soak = v; }, { placeholder: 'e.g. PT1H', required: true })}
                ${draft.waves.length > 1 ? html`<div class="field end"><button type="button" class="danger" @click=${() => { draft.waves.splice(i, 1); props.onChange(); }}>Remove wave ${i + 1}</button></div>` : ''}
              </li>`)}
          </ol>
          ${waves.after}
          <button type="button" class="secondary" @click=${() => { draft.waves.push({ percent: '', soak: '' }); props.onChange(); }}>Add a wave</button>
        </fieldset>
      </fieldset>

      <fieldset class="panel">
        <legend>Health</legend>
        <div class="form-grid">
          ${input('healthCheckInterval', 'Health check every', draft.healthCheckInterval, (v) => { draft.healthCheckInterval = v; }, { placeholder: d.healthCheckInterval })}
          ${input('deviceTimeout', 'Install timeout', draft.deviceTimeout, (v) => { draft.deviceTimeout = v; }, { placeholder: d.deviceTimeout, hint: 'Not installed by then: counts as failed.' })}
          ${input('healthSilenceTimeout', 'Silence timeout', draft.healthSilenceTimeout, (v) => { draft.healthSilenceTimeout = v; }, { placeholder: d.healthSilenceTimeout, hint: 'No health message for this long: counts as silent.' })}
          ${input('failureThreshold.percent', 'Roll back at failed %', draft.thresholdPercent, (v) => { draft.thresholdPercent = v; }, { type: 'number', placeholder: d.thresholdPercent, hint: 'Failed, unhealthy or silent devices of a wave.' })}
          ${input('failureThreshold.minDevices', 'Once judged devices ≥', draft.thresholdMinDevices, (v) => { draft.thresholdMinDevices = v; }, { type: 'number', placeholder: d.thresholdMinDevices })}
          ${input('failureThreshold.count', 'Or at failed devices', draft.thresholdCount, (v) => { draft.thresholdCount = v; }, { type: 'number', placeholder: 'no count' })}
        </div>
      </fieldset>

      <fieldset class="panel">
        <legend>Approval</legend>
        <div class="form-grid">
          <div class="field wide">
            <label for=${controlId('approvers')}>Approvers</label>
            <input id=${controlId('approvers')} type="text" .value=${live(draft.approvers)} @input=${bind((v) => { draft.approvers = v; })} placeholder="none: starts without an approval"
              aria-invalid=${approvers.invalid} aria-describedby=${approvers.describedBy}>
            ${approvers.after}
          </div>
          ${input('quorum', 'Approvals required', draft.quorum, (v) => { draft.quorum = v; }, { type: 'number', placeholder: d.quorum })}
          ${input('approvalTimeout', 'Approval expires after', draft.approvalTimeout, (v) => { draft.approvalTimeout = v; }, { placeholder: 'e.g. PT24H', hint: 'Needed when approvers are named.' })}
        </div>
      </fieldset>

      <div class="buttons">
        <button type="submit" ?disabled=${props.submitting}>${props.submitting ? 'Creating…' : 'Create rollout'}</button>
        <a class="button-link" href="#/">Cancel</a>
      </div>
    </form>`;
}

function matchText(draft: RolloutDraft, fleet: FleetCounts | undefined): string {
  const text = draft.targetKind === 'query' ? draft.query : draft.deviceIds;
  if (!text.trim()) return '';
  if (!fleet) return 'Reading the fleet to count the devices…';
  const match: TargetMatch = draft.targetKind === 'query' ? queryMatch(text, fleet) : idsMatch(text.split(/[\s,]+/).filter(Boolean), fleet);
  if (match.kind === 'counted') return `${match.devices} ${match.devices === 1 ? 'device matches' : 'devices match'} in the fleet inventory.`;
  if (match.kind === 'ids') return match.known === undefined ? `${match.listed} device ids.` : `${match.listed} device ids, ${match.known} of them in the fleet inventory.`;
  return 'The service evaluates this query when the rollout is created (counted here only for site, model and installed version joined by AND).';
}
