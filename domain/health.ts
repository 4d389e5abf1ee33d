/**
 * Health of the service as reported by GET /api/health.
 *
 * A dependency being down degrades the service; it does not make the health endpoint fail, so monitors can tell
 * "the app is up but Cosmos is unreachable" from "the app is down".
 */
export type ServiceStatus = 'Healthy' | 'Degraded';
export type DependencyStatus = 'Healthy' | 'Unhealthy';

export interface DependencyHealth {
  status: DependencyStatus;
  /** Why it is unhealthy: an error code or a timeout, never a secret or a stack. */
  detail?: string;
}

export interface HealthReport<Name extends string = string> {
  status: ServiceStatus;
  version: string;
  dependencies: Record<Name, DependencyHealth>;
}

/**
 * Port: checks that one outside system is reachable and lets us in.
 * Resolves when it is; rejects otherwise. Must give up when `signal` aborts.
 */
export interface HealthProbe {
  check(signal: AbortSignal): Promise<void>;
}

export function serviceStatus(dependencies: Record<string, DependencyHealth>): ServiceStatus {
  return Object.values(dependencies).every((d) => d.status === 'Healthy') ? 'Healthy' : 'Degraded';
}
