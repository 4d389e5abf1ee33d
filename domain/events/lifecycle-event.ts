/**
 * Enterprise events: every lifecycle step, published as a CloudEvent for change-management and monitoring systems.
 * Types are stable names (never renamed): Contoso.Ota.<Subject><Step>.
 */
export type LifecycleEventType =
  | 'Contoso.Ota.UpdateImported'
  | 'Contoso.Ota.ImportIgnored'
  | 'Contoso.Ota.RolloutCreated'
  | 'Contoso.Ota.RolloutStatusChanged'
  | 'Contoso.Ota.ApprovalDecided'
  | 'Contoso.Ota.WaveStatusChanged';

export interface LifecycleEvent {
  /** Unique and stable for the step, so a re-run activity publishes the same id (consumers de-duplicate). */
  id: string;
  type: LifecycleEventType;
  /** What it is about, e.g. `rollouts/ro-…` or `updates/contoso/line-controller/2.0.0`. */
  subject: string;
  time: string;
  data: Record<string, unknown>;
}

/** Port: publishes lifecycle events (Event Grid topic in Azure, a local log in the local stack). */
export interface EventPublisher {
  publish(events: readonly LifecycleEvent[]): Promise<void>;
}
