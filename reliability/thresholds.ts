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
   * what a rollout's wall clock measures is the CPU work of everything running meanwhile. Alone and together, every
   * device sends its health message every 5 minutes of hub time, which is the same work in both runs; what the 50
   * rollouts add is their own dispatch (one twin patch per device, within S3 x 10's 2,500 twin updates/s), health
   * checks (paged twin queries per command, every 5 minutes of each wave) and status polls, on the same 2 cores
   * that the one rollout had to itself. Rollouts that shared the host fairly and waited on each other only for that
   * work stay within a small multiple of alone; a rollout starved by the others (a lock, a queue served in order,
   * a quota hogged) takes many times longer. 3 leaves room for the extra work and a busy machine, and fails the
   * starved case.
   */
  loadSlowestOverAlone: 3,
} as const;
