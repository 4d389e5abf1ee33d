/** One wave's progress as a labelled bar and the words it stands for. */
import { html } from 'lit-html';
import type { WaveView } from '../../../domain/rollouts/rollout-view';
import { waveLabel, waveProgress } from '../model/rollout-progress';
import { splitWords } from './format';

/** `named`: with the wave's name in front (lists); without where a table's row already names it. */
export function waveProgressBar(wave: WaveView, named = true) {
  const progress = waveProgress(wave);
  const label = `${waveLabel(wave)}: ${splitWords(wave.status)}, ${progress.text}`;
  return html`
    <div class=${named ? 'wave' : 'wave unnamed'}>
      ${named ? html`<span class="wave-name">${waveLabel(wave)}</span>` : ''}
      <progress max=${Math.max(1, progress.of)} value=${progress.done} aria-label=${label}></progress>
      <span class="wave-text">${progress.done}/${progress.of} · ${splitWords(wave.status)}</span>
    </div>`;
}

/** Health counts with words, never colour alone. */
export function healthCounts(counts: { succeeded: number; failed: number; pending: number; rolledBack: number }) {
  return html`
    <ul class="counts">
      <li><span class="dot dot-ok" aria-hidden="true"></span>${counts.succeeded} succeeded</li>
      <li><span class="dot dot-bad" aria-hidden="true"></span>${counts.failed} failed</li>
      <li><span class="dot dot-idle" aria-hidden="true"></span>${counts.pending} pending</li>
      ${counts.rolledBack ? html`<li><span class="dot dot-warn" aria-hidden="true"></span>${counts.rolledBack} rolled back</li>` : ''}
    </ul>`;
}
