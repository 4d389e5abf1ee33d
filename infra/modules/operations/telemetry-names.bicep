// The Application Insights names the app's telemetry uses and the workbook and alerts read. The app emits a
// custom event `ota.rollout.<step>` for every rollout step (customDimensions rolloutId, wave) and the metrics
// below; keep these names and the app's in step.

@export()
@description('Custom events the alerts react to.')
var otaEvents = {
  rolloutPrefix: 'ota.rollout.'
  rollbackStarted: 'ota.rollout.rollback.started'
  importFailed: 'ota.import.failed'
  circuitOpen: 'ota.iothub.circuit-open'
  // Steps after which a rollout makes no more progress on its own: the stall alert ignores rollouts there. A
  // rollout whose last step is `created` waits for its approvers (each stage expires by itself).
  finishedOrWaiting: [
    'ota.rollout.completed'
    'ota.rollout.rollback.verified'
    'ota.rollout.cancelled'
    'ota.rollout.failed'
    'ota.rollout.rejected'
    'ota.rollout.expired'
    'ota.rollout.paused'
    'ota.rollout.created'
  ]
}

@export()
@description('Custom metrics; those with a rolloutId dimension count as rollout progress.')
var otaMetrics = {
  dispatched: 'ota.devices.dispatched'
  succeeded: 'ota.devices.succeeded'
  failed: 'ota.devices.failed'
  dispatchRate: 'ota.dispatch.rate'
  hubThrottled: 'ota.hub.throttled'
  rollbackLatency: 'ota.rollback.latency'
  approvalWait: 'ota.approval.wait'
  importDuration: 'ota.import.duration'
}
