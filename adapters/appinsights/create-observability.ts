/** Telemetry is on when a connection string is set, and off (nothing sent, nothing started) when it is empty. */
import { noObservability, type Observability } from '../../domain/observability/observability-port';
import { AppInsightsObservability } from './appinsights-observability';

export function createObservability(connectionString: string | undefined): Observability {
  return connectionString ? new AppInsightsObservability(connectionString) : noObservability;
}
