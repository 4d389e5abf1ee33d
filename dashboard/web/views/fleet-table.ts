/** Fleet overview: devices by site and model, and which versions they run. */
import { html } from 'lit-html';
import type { InventoryReport } from '../../../domain/reports/inventory';
import { fleetMatrix } from '../model/fleet-matrix';
import { time } from './format';

export function fleetTable(inventory: InventoryReport | undefined) {
  if (!inventory) return html`<section class="panel" aria-labelledby="fleet-heading"><h2 id="fleet-heading">Fleet</h2><p>Loading…</p></section>`;
  const matrix = fleetMatrix(inventory);
  return html`
    <section class="panel" aria-labelledby="fleet-heading">
      <h2 id="fleet-heading">Fleet</h2>
      <p>${matrix.deviceCount} devices, as of ${time(inventory.generatedAt)}.</p>
      <div class="table-scroll">
        <table>
          <caption>Versions by site and model</caption>
          <thead><tr><th scope="col">Site</th><th scope="col">Model</th><th scope="col" class="num">Devices</th>
            ${matrix.versions.map((v) => html`<th scope="col" class="num">${v}</th>`)}</tr></thead>
          <tbody>
            ${matrix.rows.map((row) => html`
              <tr>
                <th scope="row">${row.site ?? html`<span class="muted">no site</span>`}</th>
                <td>${row.model ?? html`<span class="muted">no model</span>`}</td>
                <td class="num">${row.devices}</td>
                ${matrix.versions.map((v) => html`<td class="num">${row.byVersion[v] ?? html`<span class="muted">0</span>`}</td>`)}
              </tr>`)}
          </tbody>
        </table>
      </div>
    </section>`;
}
