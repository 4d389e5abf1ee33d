/**
 * IoT Hub's per-hub throttles for the operation classes this app drives (docs/azure-facts.md, "Throttles"). Over a
 * limit the hub queues briefly, then answers 429; the app paces itself below these instead of finding them by error.
 */
export type IotHubSku = 'S1' | 'S2' | 'S3';

/** The operation classes the hub throttles separately. */
export type HubOperation = 'twinUpdate' | 'twinRead' | 'query' | 'jobOperation' | 'jobDeviceOperation';

export interface HubTier {
  sku: IotHubSku;
  units: number;
}

/** Operations per second the hub allows for one class. */
export function quotaPerSecond(operation: HubOperation, { sku, units }: HubTier): number {
  switch (operation) {
    case 'twinUpdate':
      return sku === 'S1' ? 50 : sku === 'S2' ? Math.max(50, 5 * units) : 250 * units;
    case 'twinRead':
      return sku === 'S1' ? 100 : sku === 'S2' ? Math.max(100, 10 * units) : 500 * units;
    case 'query':
      return ((sku === 'S3' ? 1000 : 20) * units) / 60;
    case 'jobOperation': // create, get, list, cancel: polling a job counts here
      return ((sku === 'S3' ? 5000 : 100) * units) / 60;
    case 'jobDeviceOperation':
      return sku === 'S1' ? 10 : sku === 'S2' ? Math.max(10, units) : 50 * units;
  }
}

/** Twin-update jobs that may run at once (import jobs count too, one at a time). */
export function concurrentJobs({ sku }: HubTier): number {
  return sku === 'S1' ? 1 : sku === 'S2' ? 5 : 10;
}
