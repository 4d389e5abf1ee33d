/**
 * A lifecycle step as a custom event for operators: `ota.rollout.<step>` for a rollout's steps (`ota.rollout.created`,
 * `ota.rollout.wave.started`, `ota.rollout.rollback.started`, …), `ota.<action>` for others (`ota.update.imported`).
 * Dimensions are the step's plain details (wave, status, from, to, reason, …); free text typed by people (comments)
 * and device samples stay in the audit trail.
 */
import type { TelemetryProperties } from '../domain/observability/observability-port';
import type { LifecycleStep } from './lifecycle';

const left = new Set(['comment', 'sample']);

export interface LifecycleTelemetry {
  name: string;
  properties: TelemetryProperties;
  rolloutId?: string;
}

export function lifecycleTelemetry(step: LifecycleStep): LifecycleTelemetry {
  const rolloutId = /^rollouts\/(.+)$/.exec(step.subject)?.[1];
  const name = rolloutId ? `ota.rollout.${step.action.replace(/^rollout\./, '')}` : `ota.${step.action}`;
  const properties: TelemetryProperties = { subject: step.subject, action: step.action, at: step.at };
  for (const [key, value] of Object.entries(step.details)) {
    if (left.has(key)) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') properties[key] = value;
    else if (value !== undefined && value !== null) properties[key] = JSON.stringify(value);
  }
  return { name, properties, ...(rolloutId ? { rolloutId } : {}) };
}
