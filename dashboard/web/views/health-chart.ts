/**
 * A wave's health timeline: device counts at each health check, drawn as lines (an image with a text summary) and
 * listed in a table that a screen reader or a keyboard user can read point by point.
 */
import { html, svg } from 'lit-html';
import type { HealthPoint } from '../../../domain/rollouts/health-timeline';
import { time } from './format';

const series = [
  { key: 'succeeded', label: 'Healthy' },
  { key: 'dispatched', label: 'Installing' },
  { key: 'failed', label: 'Install failed' },
  { key: 'unhealthy', label: 'Unhealthy' },
  { key: 'silent', label: 'Silent' },
] as const;

const width = 320;
const height = 96;

export function healthChart(title: string, points: readonly HealthPoint[]) {
  if (points.length === 0) return html`<p class="muted">${title}: no health check yet.</p>`;
  const last = points[points.length - 1]!;
  const top = Math.max(1, ...points.flatMap((p) => series.map((s) => p[s.key])));
  const x = (i: number) => (points.length === 1 ? width / 2 : (i / (points.length - 1)) * width);
  const y = (n: number) => height - (n / top) * height;
  const summary = `${title}: ${points.length} health checks; at the latest ${series.map((s) => `${last[s.key]} ${s.label.toLowerCase()}`).join(', ')}`;
  return html`
    <figure class="health">
      <figcaption>${title}</figcaption>
      <svg viewBox="-4 -4 ${width + 8} ${height + 8}" role="img" aria-label=${summary} preserveAspectRatio="none">
        ${series.map((s) => points.length === 1
          ? svg`<circle class="dot-${s.key}" cx=${x(0)} cy=${y(points[0]![s.key])} r="4"></circle>`
          : svg`<polyline class="line line-${s.key}" fill="none" points=${points.map((p, i) => `${x(i)},${y(p[s.key])}`).join(' ')}></polyline>`)}
      </svg>
      <ul class="legend">${series.map((s) => html`<li><span class="swatch swatch-${s.key}" aria-hidden="true"></span>${s.label}: ${last[s.key]}</li>`)}</ul>
      <details>
        <summary>Every check of ${title.toLowerCase()}</summary>
        <div class="table-scroll">
          <table>
            <thead><tr><th scope="col">Checked at</th>${series.map((s) => html`<th scope="col" class="num">${s.label}</th>`)}</tr></thead>
            <tbody>${points.map((p) => html`<tr><th scope="row">${time(p.at)}</th>${series.map((s) => html`<td class="num">${p[s.key]}</td>`)}</tr>`)}</tbody>
          </table>
        </div>
      </details>
    </figure>`;
}
