/**
 * One lifecycle step, recorded twice: appended to the tamper-evident audit trail and published as a CloudEvent.
 * Both ports are optional so unit tests of other activities need neither.
 */
import type { AuditAction } from '../domain/audit/audit-entry';
import type { AuditLog } from '../domain/audit/audit-log-port';
import type { EventPublisher, LifecycleEventType } from '../domain/events/lifecycle-event';

export interface LifecyclePorts {
  audit?: AuditLog;
  events?: EventPublisher;
}

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

export function lifecycleRecorder(ports: LifecyclePorts): RecordLifecycle {
  return async (step) => {
    // The step id makes the append idempotent: an activity that runs twice records its step once.
    await ports.audit?.append({ at: step.at, actor: step.actor, action: step.action, subject: step.subject, details: { ...step.details, stepId: step.stepId } });
    await ports.events?.publish([{ id: step.stepId, type: step.eventType, subject: step.subject, time: step.at, data: { action: step.action, actor: step.actor, ...step.details } }]);
  };
}
