/**
 * The most a request may ask for: one request must not cost the service more than a bounded amount of work.
 * Stated in the schemas' error messages and in the README's API table.
 */
export const requestLimits = {
  /** Ids of one `target.deviceIds` (unique: duplicates are refused). */
  deviceIdsPerTarget: 10_000,
  /** IoT Hub's own limit for a device id. */
  deviceIdLength: 128,
  targetQueryLength: 4_000,
  waves: 20,
  approvalStages: 10,
  approversPerStage: 100,
  maintenanceWindows: 50,
  compatibilitySets: 100,
  files: 100,
  prerequisites: 50,
  /** Names, versions, file names, approvers, sites, cron expressions, time zones. */
  shortTextLength: 256,
} as const;

/** A rollout body holds up to 10,000 device ids (about 50 bytes each with quotes and commas). */
export const maxRolloutBodyBytes = 1024 * 1024;
