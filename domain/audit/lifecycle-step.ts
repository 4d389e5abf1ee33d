/** One lifecycle step (audited, published as a CloudEvent, sent to telemetry), and the port that records it. */
import type { AuditAction } from './audit-entry';
import type { LifecycleEventType } from '../events/lifecycle-event';

export interface LifecycleStep {
  /** Stable per step (e.g. rollout id + status + time), so a re-run publishes the same CloudEvent id. */
  stepId: string;
  action: AuditAction;
  eventType: LifecycleEventType;
  subject: string;
  actor: string;
  at: string;
  details: Record<string, unknown>;
}

export type RecordLifecycle = (step: LifecycleStep) => Promise<void>;
