// The OTA update service in one resource group: `azd up` provisions this, then deploys the app.
// Every connection uses the Function App's managed identity; no keys or connection strings are issued.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name: names the resource group and tags every resource.')
param environmentName string

@minLength(1)
@description('Region for every resource (Flex Consumption must be available there).')
param location string

@description('Resource id of the Azure Container Registry whose image pushes start imports. Empty: no Event Grid topic yet.')
param containerRegistryId string = ''

@description('Region of that registry: an Event Grid system topic lives next to its source.')
param containerRegistryLocation string = location

@allowed(['S1', 'S2', 'S3'])
@description('IoT Hub tier: the app paces dispatch to its quotas.')
param iotHubSku string = 'S1'

@minValue(1)
@maxValue(200)
@description('IoT Hub units (quotas grow with units).')
param iotHubUnits int = 1

var tags = { 'azd-env-name': environmentName }
var token = toLower(uniqueString(subscription().id, environmentName, location))
var cosmosDatabaseName = 'ota'
var deploymentContainerName = 'app-package'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: { workspaceName: 'log-${token}', appInsightsName: 'appi-${token}', location: location, tags: tags }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: { name: 'st${token}', location: location, tags: tags, deploymentContainerName: deploymentContainerName }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: { name: 'cosmos-${token}', location: location, tags: tags, databaseName: cosmosDatabaseName }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: { name: 'kv-${token}', location: location, tags: tags }
}

module iotHub 'modules/iot-hub.bicep' = {
  name: 'iot-hub'
  scope: rg
  params: { name: 'iot-${token}', location: location, tags: tags, sku: iotHubSku, units: iotHubUnits }
}

// App settings. The names must match local.settings.sample.json (test/unit/infra-settings.test.ts checks it).
// An empty secret means "use the managed identity"; `AzureWebJobsStorage__accountName` is the identity form of the
// host's `AzureWebJobsStorage` connection. FUNCTIONS_WORKER_RUNTIME is not allowed on Flex Consumption: the
// runtime is set in functionAppConfig instead (modules/function-app.bicep).
var appSettings = {
  AzureWebJobsStorage__accountName: storage.outputs.name
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  BLOB_CONNECTION_STRING: ''
  BLOB_SERVICE_URL: storage.outputs.blobEndpoint
  COSMOS_ENDPOINT: cosmos.outputs.endpoint
  COSMOS_KEY: ''
  COSMOS_DATABASE: cosmosDatabaseName
  // Devices: the IoT Hub, reached with the managed identity (IoT Hub Data Contributor). The connection string and
  // CA file are for the local hub only. The app paces its calls to the tier's quotas, so SKU and units must match the hub.
  IOTHUB_HOSTNAME: iotHub.outputs.hostName
  IOTHUB_CONNECTION_STRING: ''
  IOTHUB_CA_FILE: ''
  IOTHUB_SKU: iotHubSku
  IOTHUB_UNITS: string(iotHubUnits)
  IOTHUB_QUOTA_SHARE: '0.9'
  IOTHUB_CLOCK_SCALE: '1'
  IOTHUB_DISPATCH_MODE: 'patches'
  // Health telemetry: the hub's built-in Event Hubs-compatible endpoint feeds the deviceTelemetry trigger.
  IOTHUB_EVENTS__fullyQualifiedNamespace: iotHub.outputs.eventHubNamespace
  IOTHUB_EVENTS_NAME: iotHub.outputs.eventHubName
  IOTHUB_EVENTS_CONSUMER_GROUP: iotHub.outputs.telemetryConsumerGroup
  // Packages and signing: the Key Vault key signs; its root-signed certificate and the trusted roots are set after
  // `npm run keys -- certify` (see README); SIGNING_KEY_DIR is for local runs only.
  UPDATES_CONTAINER: 'updates'
  FIRMWARE_UPLOAD_CONTAINER: 'firmware-uploads'
  SIGNING_KEY_DIR: ''
  KEYVAULT_KEY_URL: keyVault.outputs.signingKeyUrl
  SIGNING_CERTIFICATE: ''
  SIGNING_TRUSTED_ROOTS: ''
  SIGNING_RETIRED_CERTIFICATES: ''
  SIGNING_REVOCATION_LIST: ''
  // Governance: lifecycle CloudEvents go to an Event Grid topic (set its endpoint; EVENTS_LOG_FILE is local only),
  // and AUTH_GROUP_ROLES maps Entra group ids to OTA.* roles when app roles are not assigned directly.
  EVENTGRID_TOPIC_ENDPOINT: ''
  EVENTS_LOG_FILE: ''
  AUTH_GROUP_ROLES: ''
  // Teams approvals: set APPROVAL_LINK_SECRET as a Key Vault reference (at least 32 random characters) and the
  // Workflows webhook URL; without the secret no cards are sent and approvers use the API.
  APPROVAL_LINK_SECRET: ''
  TEAMS_WORKFLOW_URL: ''
  PUBLIC_BASE_URL: ''
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    name: 'func-${token}'
    planName: 'plan-${token}'
    location: location
    tags: tags
    deploymentContainerUrl: '${storage.outputs.blobEndpoint}${deploymentContainerName}'
    appSettings: appSettings
  }
}

module roles 'modules/role-assignments.bicep' = {
  name: 'role-assignments'
  scope: rg
  params: {
    principalId: functionApp.outputs.principalId
    storageAccountName: storage.outputs.name
    cosmosAccountName: cosmos.outputs.name
    keyVaultName: keyVault.outputs.name
    iotHubName: iotHub.outputs.name
  }
}

module acrEvents 'modules/acr-events.bicep' = if (!empty(containerRegistryId)) {
  name: 'acr-events'
  scope: rg
  params: {
    name: 'evgt-acr-${token}'
    location: containerRegistryLocation
    tags: tags
    containerRegistryId: containerRegistryId
  }
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output HEALTH_URL string = '${functionApp.outputs.url}/api/health'
output KEY_VAULT_URI string = keyVault.outputs.uri
output IOTHUB_HOSTNAME string = iotHub.outputs.hostName
