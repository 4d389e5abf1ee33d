/**
 * One lifecycle step, recorded three times: appended to the tamper-evident audit trail, published as a CloudEvent and
 * sent to operators' telemetry as a custom event. The ports are optional so unit tests of other activities need none.
 */
import type { RecordLifecycle } from '../domain/audit/lifecycle-step';
import type { AuditLog } from '../domain/audit/audit-log-port';
import type { EventPublisher } from '../domain/events/lifecycle-event';
import type { Observability } from '../domain/observability/observability-port';
import { lifecycleTelemetry } from './lifecycle-telemetry';

export interface LifecyclePorts {
  audit?: AuditLog;
  events?: EventPublisher;
  observability?: Observability;
}

export type { LifecycleStep, RecordLifecycle } from '../domain/audit/lifecycle-step';

export function lifecycleRecorder(ports: LifecyclePorts): RecordLifecycle {
  return async (step) => {
    // The step id makes the append idempotent: an activity that runs twice records its step once.
    await ports.audit?.append({ at: step.at, actor: step.actor, action: step.action, subject: step.subject, details: { ...step.details, stepId: step.stepId } });
    await ports.events?.publish([{ id: step.stepId, type: step.eventType, subject: step.subject, time: step.at, data: { action: step.action, actor: step.actor, ...step.details } }]);
    // Last: telemetry is best effort, and a step re-run after a failure above is sent again (at least once).
    const telemetry = lifecycleTelemetry(step);
    ports.observability?.event(telemetry.name, telemetry.properties, telemetry.rolloutId);
  };
}
