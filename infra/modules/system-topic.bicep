// An Event Grid system topic for one Azure resource and, once the app is deployed, the subscription that
// delivers the chosen event type to one of its Event Grid triggers. The destination is the Azure Function itself
// (not a webhook URL with a key): Event Grid resolves and rotates the function's key, and no key passes through
// this deployment. The function must exist when the subscription is created, hence `subscribe`.
param name string
param location string
param tags object

@description('Resource id of the event source (a storage account or a container registry).')
param sourceId string

@allowed([ 'Microsoft.Storage.StorageAccounts', 'Microsoft.ContainerRegistry.Registries' ])
param topicType string

@description('Create the subscription (false until the app with its functions has been deployed once).')
param subscribe bool

param subscriptionName string

@description('The Event Grid trigger: `<function app id>/functions/<function name>`.')
param functionResourceId string

@description('The one event type delivered, and the subject prefix (empty: any).')
param filter { eventType: string, subjectBeginsWith: string }

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    source: sourceId
    topicType: topicType
  }
}

resource toFunction 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = if (subscribe) {
  parent: topic
  name: subscriptionName
  properties: {
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        resourceId: functionResourceId
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [ filter.eventType ]
      subjectBeginsWith: filter.subjectBeginsWith
    }
    // Imports are idempotent per event id, so redelivery is safe; a day of retries covers an app outage.
    retryPolicy: { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 }
  }
}
