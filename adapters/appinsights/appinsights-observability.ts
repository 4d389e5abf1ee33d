/**
 * Observability on Application Insights through the `applicationinsights` package (v3: OpenTelemetry and the Azure
 * Monitor exporter). Starting it also collects outgoing HTTP calls and Azure SDK calls (Cosmos DB, Blob, Key Vault,
 * IoT Hub's REST API) as dependencies, and incoming HTTP requests. Export intervals follow the standard OpenTelemetry
 * settings (`OTEL_METRIC_EXPORT_INTERVAL`, `OTEL_BLRP_SCHEDULE_DELAY`), so no code path differs between environments.
 */
import { createRequire } from 'node:module';
import { context, trace, TraceFlags, type Context } from '@opentelemetry/api';
import { TelemetryClient } from 'applicationinsights';
import type { Observability, TelemetryProperties } from '../../domain/observability/observability-port';
import { operationIdOf, operationParentIdOf } from './operation-id';

/** Telemetry dimensions are strings; unset values are left out. */
function dimensions(properties: TelemetryProperties, rolloutId: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(properties)) if (value !== undefined) out[key] = String(value);
  if (rolloutId !== undefined) out.rolloutId = rolloutId;
  return out;
}

export class AppInsightsObservability implements Observability {
  private readonly client: TelemetryClient;

  constructor(connectionString: string) {
    this.client = new TelemetryClient(connectionString);
    this.client.config.azureMonitorOpenTelemetryOptions = {
      azureMonitorExporterOptions: { connectionString },
      // Only what this app calls: HTTP (IoT Hub, Event Grid, Teams, every Azure SDK's requests) and Azure SDK spans.
      instrumentationOptions: { http: { enabled: true }, azureSdk: { enabled: true } },
      enableLiveMetrics: false,
    };
    this.client.initialize();
    // The HTTP instrumentation patches `http`/`https` when they are next required; loaded long ago here (the host,
    // the SDKs), so require them once now rather than leave dependency collection to whichever module comes next.
    const load = createRequire(__filename);
    load('node:http');
    load('node:https');
  }

  event(name: string, properties: TelemetryProperties, rolloutId?: string): void {
    this.inRollout(rolloutId, () => this.client.trackEvent({ name, properties: dimensions(properties, rolloutId) }));
  }

  metric(name: string, value: number, properties: TelemetryProperties, rolloutId?: string): void {
    if (!Number.isFinite(value)) return;
    this.client.trackMetric({ name, value, properties: dimensions(properties, rolloutId) });
  }

  withinRollout<T>(rolloutId: string, work: () => Promise<T>): Promise<T> {
    return context.with(rolloutContext(rolloutId), work);
  }

  flush(): Promise<void> {
    return this.client.flush();
  }

  private inRollout(rolloutId: string | undefined, send: () => void): void {
    if (rolloutId === undefined) send();
    else context.with(rolloutContext(rolloutId), send);
  }
}

/** A context whose (remote) parent is the rollout's operation: telemetry made inside it gets its operation id. */
function rolloutContext(rolloutId: string): Context {
  return trace.setSpanContext(context.active(), {
    traceId: operationIdOf(rolloutId),
    spanId: operationParentIdOf(rolloutId),
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
}
