// Device health telemetry, routed here by IoT Hub and read by the app's Event Hubs trigger with its managed
// identity. IoT Hub's built-in Event Hub-compatible endpoint accepts only shared access keys, so health messages
// go to an Event Hubs namespace of our own, with local (SAS) auth disabled. IoT Hub sends with a user-assigned
// identity created here, so its role exists before the hub's routing endpoint is validated.
param namespaceName string
param hubIdentityName string
param location string
param tags object

@description('Event hub the health messages are routed to (IOTHUB_EVENTS_NAME).')
param eventHubName string

@description('Consumer group the app reads with (IOTHUB_EVENTS_CONSUMER_GROUP).')
param consumerGroupName string

@minValue(1)
@maxValue(20)
@description('Throughput units at start (1 TU = 1,000 events/s in); auto-inflate raises them up to 20.')
param throughputUnits int = 2

// Standard (not Basic): named consumer groups, auto-inflate and a day of retention.
resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: { name: 'Standard', tier: 'Standard', capacity: throughputUnits }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    isAutoInflateEnabled: true
    maximumThroughputUnits: 20
  }
}

// 32 partitions (Standard's most): the trigger reads them in parallel, one lease per partition, so up to 32
// instances share the load of a large fleet (1M devices at one message per 5 minutes is ~3,300 messages/s).
resource hub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: eventHubName
  properties: {
    partitionCount: 32
    messageRetentionInDays: 1
  }
}

resource consumerGroup 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = {
  parent: hub
  name: consumerGroupName
}

resource hubIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: hubIdentityName
  location: location
  tags: tags
}

var eventHubsDataSender = '2b629674-e913-4c01-ae53-ef4638d8f975'

resource hubSends 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hub.id, hubIdentity.id, eventHubsDataSender)
  scope: hub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', eventHubsDataSender)
    principalId: hubIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

output namespaceName string = namespace.name
output eventHubName string = hub.name
output consumerGroupName string = consumerGroup.name
// `<namespace>.servicebus.windows.net`, the identity-based connection's fullyQualifiedNamespace.
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '//')[1], ':')[0]
output hubIdentityId string = hubIdentity.id
