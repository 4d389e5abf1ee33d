// The Function App on Flex Consumption (Linux, Node 22) with a system-assigned managed identity. Its app settings
// are applied separately (app-settings.bicep), after the identity has its roles, so Key Vault references resolve.
param name string
param planName string
param location string
param tags object

@description('Blob container URL holding the deployment package.')
param deploymentContainerUrl string

@minValue(40)
@maxValue(1000)
@description('Most instances Flex Consumption may run. Dispatch is paced per instance to a share of the IoT Hub quota, so more instances do not send faster; they absorb health telemetry and HTTP load.')
param maximumInstanceCount int = 40

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource site 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  // azd finds the app to deploy the `api` service (azure.yaml) to by this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: { type: 'SystemAssignedIdentity' }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
      }
      // Flex Consumption takes the language here, not from FUNCTIONS_WORKER_RUNTIME.
      runtime: { name: 'node', version: '22' }
    }
  }
}

output name string = site.name
output id string = site.id
output principalId string = site.identity.principalId
output url string = 'https://${site.properties.defaultHostName}'
