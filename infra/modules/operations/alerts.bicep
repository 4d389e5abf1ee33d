// Alert rules on the app's Application Insights telemetry: a rollback started, a rollout that stopped making
// progress, a failed import, and the IoT Hub circuit breaker opening. Each notifies the action group (e-mail)
// when one is given; without it the alerts still fire and show in Azure Monitor.
import { otaEvents, otaMetrics } from 'telemetry-names.bicep'

param namePrefix string
param location string
param tags object
param appInsightsId string

@description('E-mail address for alert notifications; empty: no action group.')
param alertEmail string

@minValue(15)
@maxValue(2880)
@description('Minutes without any event or metric of a running rollout after which it counts as stalled.')
param rolloutStallMinutes int

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: '${namePrefix}-ota-operators'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'ota-ops'
    enabled: true
    emailReceivers: [
      { name: 'operators', emailAddress: alertEmail, useCommonAlertSchema: true }
    ]
  }
}

var stepsThatStop = join(map(otaEvents.finishedOrWaiting, (name) => '\'${name}\''), ', ')
var progressMetrics = join(map([ otaMetrics.dispatched, otaMetrics.succeeded, otaMetrics.failed ], (name) => '\'${name}\''), ', ')

// One row per matching event; alerts split by rollout so each rollout alerts on its own.
var eventQuery = 'customEvents | where name == \'{0}\' | extend rolloutId = tostring(customDimensions.rolloutId) | summarize events = count() by rolloutId'

var rules = [
  {
    name: 'rollback-started'
    description: 'A rollout started rolling back: a wave crossed its failure threshold or an operator asked for it.'
    severity: 1
    frequency: 'PT5M'
    window: 'PT5M'
    query: format(eventQuery, otaEvents.rollbackStarted)
    dimension: 'rolloutId'
  }
  {
    name: 'rollout-stalled'
    description: 'A running rollout has sent no event or device metric for ${rolloutStallMinutes} minutes (not paused, not waiting for approval, not finished).'
    severity: 2
    frequency: 'PT15M'
    window: 'P2D'
    query: 'union (customEvents | where name startswith \'${otaEvents.rolloutPrefix}\'), (customMetrics | where name in (${progressMetrics})) | extend rolloutId = tostring(customDimensions.rolloutId) | where isnotempty(rolloutId) | summarize arg_max(timestamp, name) by rolloutId | where name !in (${stepsThatStop}) and timestamp < ago(${rolloutStallMinutes}m) | project rolloutId, lastSignal = name, lastSeen = timestamp'
    dimension: 'rolloutId'
  }
  {
    name: 'import-failed'
    description: 'An import (image push or firmware upload) failed; its record says why (GET /api/imports/{eventId}).'
    severity: 2
    frequency: 'PT5M'
    window: 'PT5M'
    query: 'customEvents | where name == \'${otaEvents.importFailed}\' | summarize events = count()'
    dimension: ''
  }
  {
    name: 'iothub-circuit-open'
    description: 'Dispatch to IoT Hub stopped: errors spiked and the circuit breaker opened; the wave resends after its backoff.'
    severity: 1
    frequency: 'PT5M'
    window: 'PT5M'
    query: format(eventQuery, otaEvents.circuitOpen)
    dimension: 'rolloutId'
  }
]

resource alerts 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [for rule in rules: {
  name: '${namePrefix}-${rule.name}'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'OTA: ${rule.name}'
    description: rule.description
    severity: rule.severity
    enabled: true
    scopes: [ appInsightsId ]
    evaluationFrequency: rule.frequency
    windowSize: rule.window
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: rule.query
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          dimensions: empty(rule.dimension) ? [] : [ { name: rule.dimension, operator: 'Include', values: [ '*' ] } ]
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: empty(alertEmail) ? [] : [ actionGroup.id ] }
  }
}]
