/**
 * Dispatch-rate limit: after sending a batch, the orchestration waits (on a durable timer) long enough that the
 * batch did not exceed `maxDevicesPerSecond`, so a fleet's network and update servers are not flooded.
 */
export function dispatchPauseMs(devicesSent: number, maxDevicesPerSecond: number | undefined): number {
  if (maxDevicesPerSecond === undefined || devicesSent <= 0) return 0;
  // 0 or less would mean "never send": refuse it rather than read it as "no limit".
  if (!(maxDevicesPerSecond > 0)) throw new RangeError('maxDevicesPerSecond must be greater than 0');
  // Whole milliseconds, rounded up: rounding down would let the rate creep above the limit.
  return Math.ceil((devicesSent * 1000) / maxDevicesPerSecond);
}
