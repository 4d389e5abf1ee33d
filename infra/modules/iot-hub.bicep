// IoT Hub for the fleet. The app paces twin updates, queries and jobs to this tier's quotas (IOTHUB_SKU/UNITS).
// Device-to-cloud health messages (application property type=health, docs/device-twin-contract.md) are routed to
// the Event Hubs namespace the app reads with its identity; every other message keeps going to the built-in
// endpoint through the fallback route.
param name string
param location string
param tags object
param sku string = 'S1'
param units int = 1

@description('The event hub health messages are routed to: namespace host name, hub name, and the sending identity.')
param healthRoute { fullyQualifiedNamespace: string, eventHubName: string, identityId: string }

resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {
  name: name
  location: location
  tags: tags
  sku: { name: sku, capacity: units }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${healthRoute.identityId}': {} }
  }
  properties: {
    // Hub-scoped shared access keys off: the service side uses Entra ID. Devices keep their own
    // per-device credentials (the device APIs do not accept Entra ID).
    disableLocalAuth: true
    minTlsVersion: '1.2'
    eventHubEndpoints: {
      events: { retentionTimeInDays: 1, partitionCount: 4 }
    }
    routing: {
      endpoints: {
        eventHubs: [
          {
            name: 'device-health'
            authenticationType: 'identityBased'
            identity: { userAssignedIdentity: healthRoute.identityId }
            endpointUri: 'sb://${healthRoute.fullyQualifiedNamespace}'
            entityPath: healthRoute.eventHubName
          }
        ]
      }
      routes: [
        {
          name: 'health-to-ota-service'
          source: 'DeviceMessages'
          condition: 'type = \'health\''
          endpointNames: [ 'device-health' ]
          isEnabled: true
        }
      ]
      fallbackRoute: {
        name: '$fallback'
        source: 'DeviceMessages'
        condition: 'true'
        endpointNames: [ 'events' ]
        isEnabled: true
      }
    }
  }
}

output name string = hub.name
output hostName string = hub.properties.hostName
