/** The start page: what waits for a decision, every rollout's progress, and the fleet's versions. */
import { html } from 'lit-html';
import type { InventoryReport } from '../../../domain/reports/inventory';
import type { RolloutView } from '../../../domain/rollouts/rollout-view';
import type { Decide } from './approval-controls';
import { approvalsPanel } from './approvals-panel';
import { fleetTable } from './fleet-table';
import { rolloutsTable, type RolloutFilter } from './rollouts-table';

export interface OverviewProps {
  rollouts: RolloutView[] | undefined;
  inventory: InventoryReport | undefined;
  canApprove: boolean;
  /** Offers the New rollout form. */
  canCreate: boolean;
  busy: ReadonlySet<string>;
  filter: RolloutFilter;
  onFilter: (filter: RolloutFilter) => void;
  onDecide: Decide;
}

export function overview(props: OverviewProps) {
  return html`
    <h2 id="view-heading" class="visually-hidden" tabindex="-1">Overview</h2>
    <div class="overview">
      ${approvalsPanel(props.rollouts, props.canApprove, props.busy, props.onDecide)}
      ${fleetTable(props.inventory)}
      ${rolloutsTable(props.rollouts, props.filter, props.onFilter, props.canCreate)}
    </div>`;
}
