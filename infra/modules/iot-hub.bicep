// IoT Hub for the fleet. The app paces twin updates, queries and jobs to this tier's quotas (IOTHUB_SKU/UNITS).
param name string
param location string
param tags object
param sku string = 'S1'
param units int = 1

resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {
  name: name
  location: location
  tags: tags
  sku: { name: sku, capacity: units }
  properties: {
    // Hub-scoped shared access keys off: the service side uses Entra ID. Devices keep their own
    // per-device credentials (the device APIs do not accept Entra ID).
    disableLocalAuth: true
    minTlsVersion: '1.2'
  }
}

// The consumer group the app's deviceTelemetry trigger reads health telemetry with (its own checkpoints).
resource telemetryReaders 'Microsoft.Devices/IotHubs/eventHubEndpoints/ConsumerGroups@2023-06-30' = {
  name: '${hub.name}/events/ota-service'
  properties: { name: 'ota-service' }
}

output name string = hub.name
output eventHubName string = hub.properties.eventHubEndpoints.events.path
output eventHubNamespace string = replace(replace(hub.properties.eventHubEndpoints.events.endpoint, 'sb://', ''), '/', '')
output telemetryConsumerGroup string = 'ota-service'
output hostName string = hub.properties.hostName
