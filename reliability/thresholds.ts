/**
 * What each figure of the reliability suite must meet to pass, with why. run.ts prints every figure beside its
 * threshold as PASS or FAIL; the suite fails when one figure does.
 */
export const thresholds = {
  /** Every kill point survived, every fuzz request answered below 500 as problem+json, every fault recovered. */
  killPointsLost: 0,
  fuzzServerErrors: 0,
  fuzzCrashes: 0,
  fuzzProblemViolations: 0,
  faultsNotRecovered: 0,
  /** Load: no API call fails (status other than expected, or no answer) and every rollout ends Completed. */
  loadErrors: 0,
  loadNotCompleted: 0,
  /**
   * Load: p99 of every API call (creates and the once-a-second status polls), in ms. A dashboard that polls every
   * second must get its answer within a couple of polls even while 50 rollouts dispatch and the fleet reports.
   */
  loadP99Ms: 2_000,
  /**
   * Load: the slowest of the concurrent rollouts against the same rollout alone (wall clock, both with the fleet's
   * telemetry running). The stack runs with time-skipping, so soaks and health-check intervals cost no real time:
   * a rollout's wall clock measures the CPU work of everything running meanwhile on the 2 cores. Alone, that is the
   * fleet's health messages (every device every 5 minutes of hub time, the same in both runs) and one rollout's own
   * work; together, the 50 rollouts add 49 times their own work: dispatch (a twin patch per device, within S3 x 10's
   * 2,500 twin updates/s), health checks (per wave every 5 minutes: paged twin queries, the wave's batches, the
   * telemetry progress and problem queries, which the Cosmos stand-in answers by scanning the 20,000 health
   * documents where Cosmos DB uses its index) and the once-a-second polls. Shared fairly, every rollout finishes
   * when the whole work is done: measured 5.1 at 50 x 20,000 (alone 125 s, slowest 640 s). Served one after the
   * other (a lock, a queue in order, a quota hogged), the last would wait for the 49 others' work too: a factor of
   * 20 or more. 8 leaves room for a busy machine and fails that.
   */
  loadSlowestOverAlone: 8,
  /**
   * Load: the slowest concurrent rollout against the fastest. Identical rollouts started together on one host
   * finish together when it shares fairly; one starved by the others shows here whatever the machine's speed.
   */
  loadSlowestOverFastest: 1.5,
} as const;
