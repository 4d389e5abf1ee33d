/**
 * Port: operational telemetry for operators (Application Insights in Azure). Unlike the audit trail and the
 * enterprise events it is best effort: sending never fails or slows the work it describes.
 */
export type TelemetryProperties = Record<string, string | number | boolean | undefined>;

export interface Observability {
  /** A custom event; with a rollout id it is sent under that rollout's operation and carries `rolloutId`. */
  event(name: string, properties: TelemetryProperties, rolloutId?: string): void;
  /** A measurement with `properties` as dimensions (plus `rolloutId` when given). */
  metric(name: string, value: number, properties: TelemetryProperties, rolloutId?: string): void;
  /** Runs `work` so that everything it causes (dependency calls, events) is correlated under the rollout's operation. */
  withinRollout<T>(rolloutId: string, work: () => Promise<T>): Promise<T>;
  /** Sends what is queued (before the process ends). */
  flush(): Promise<void>;
}

/** Telemetry switched off: nothing is sent, nothing is started. */
export const noObservability: Observability = {
  event: () => undefined,
  metric: () => undefined,
  withinRollout: (_rolloutId, work) => work(),
  flush: async () => undefined,
};
