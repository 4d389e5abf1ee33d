// IoT Hub for the fleet. S1: twin updates, jobs and direct methods at the rates the rollout planner assumes.
param name string
param location string
param tags object

resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {
  name: name
  location: location
  tags: tags
  sku: { name: 'S1', capacity: 1 }
  properties: {
    // Hub-scoped shared access keys off: the service side uses Entra ID. Devices keep their own
    // per-device credentials (the device APIs do not accept Entra ID).
    disableLocalAuth: true
    minTlsVersion: '1.2'
  }
}

output name string = hub.name
output hostName string = hub.properties.hostName
