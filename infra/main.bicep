// The OTA update service in one resource group: `azd up` provisions this, then deploys the app.
// Every connection uses the Function App's managed identity; no keys or connection strings are issued, and no
// output carries a secret.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name: names the resource group and tags every resource.')
param environmentName string

@minLength(1)
@description('Region for every resource (Flex Consumption must be available there).')
param location string

@description('Resource id of an existing container registry whose image pushes start imports. Empty: one is created.')
param containerRegistryId string = ''

@description('Region of that existing registry (empty: `location`): an Event Grid system topic lives next to its source.')
param containerRegistryLocation string = ''

@allowed([ 'S1', 'S2', 'S3' ])
@description('IoT Hub tier: the app paces dispatch to its quotas.')
param iotHubSku string = 'S1'

@minValue(1)
@maxValue(200)
@description('IoT Hub units (quotas grow with units).')
param iotHubUnits int = 1

@allowed([ 'patches', 'job' ])
@description('How a batch reaches its devices: paced per-device twin patches, or twin-update jobs.')
param iotHubDispatchMode string = 'patches'

@description('Subscribe the import functions to registry pushes and firmware uploads. Event Grid checks that the functions exist, so this is false until the app has been deployed once (azure.yaml\'s postdeploy hook turns it on).')
param subscribeToEvents bool = false

@secure()
@description('Approval-link HMAC secret, at least 32 random characters (azd env set-secret OTA_APPROVAL_LINK_SECRET). Empty: no Teams links; approvers use the API.')
param approvalLinkSecret string = ''

@secure()
@description('Teams Workflows webhook URL for approval cards (azd env set-secret OTA_TEAMS_WORKFLOW_URL). Empty: no cards.')
param teamsWorkflowUrl string = ''

@description('Client id of the Entra app registration with the OTA.* app roles (README, "Deploy to Azure"). Empty: App Service authentication stays on, but nobody can sign in yet.')
param authClientId string = ''

@description('E-mail address alerts notify. Empty: alerts fire in Azure Monitor without notifications.')
param alertEmail string = ''

@minValue(15)
@maxValue(2880)
@description('Minutes without progress after which a running rollout raises the stall alert.')
param rolloutStallMinutes int = 60

var tags = { 'azd-env-name': environmentName }
var token = toLower(uniqueString(subscription().id, environmentName, location))
var names = {
  resourceGroup: 'rg-${environmentName}'
  storage: 'st${token}'
  cosmos: 'cosmos-${token}'
  keyVault: 'kv-${token}'
  iotHub: 'iot-${token}'
  eventHubs: 'evhns-${token}'
  iotHubIdentity: 'id-iot-${token}'
  registry: 'cr${token}'
  lifecycleTopic: 'evgt-ota-${token}'
  functionApp: 'func-${token}'
  plan: 'plan-${token}'
}
var cosmosDatabaseName = 'ota'
var deploymentContainerName = 'app-package'
var updatesContainerName = 'updates'
var firmwareUploadContainerName = 'firmware-uploads'
var healthEventHubName = 'device-health'
var healthConsumerGroupName = 'ota-service'
var secretNames = { approvalLink: 'approval-link-secret', teamsWorkflowUrl: 'teams-workflow-url' }
var storedSecrets = concat(empty(approvalLinkSecret) ? [] : [ secretNames.approvalLink ], empty(teamsWorkflowUrl) ? [] : [ secretNames.teamsWorkflowUrl ])
var createRegistry = empty(containerRegistryId)

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: names.resourceGroup
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
  params: { name: names.storage, location: location, tags: tags, deploymentContainerName: deploymentContainerName }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: { name: names.cosmos, location: location, tags: tags, databaseName: cosmosDatabaseName }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: {
    name: names.keyVault
    location: location
    tags: tags
    secretNames: secretNames
    approvalLinkSecret: approvalLinkSecret
    teamsWorkflowUrl: teamsWorkflowUrl
  }
}

module eventHubs 'modules/event-hubs.bicep' = {
  name: 'event-hubs'
  scope: rg
  params: {
    namespaceName: names.eventHubs
    hubIdentityName: names.iotHubIdentity
    location: location
    tags: tags
    eventHubName: healthEventHubName
    consumerGroupName: healthConsumerGroupName
  }
}

module iotHub 'modules/iot-hub.bicep' = {
  name: 'iot-hub'
  scope: rg
  params: {
    name: names.iotHub
    location: location
    tags: tags
    sku: iotHubSku
    units: iotHubUnits
    healthRoute: {
      fullyQualifiedNamespace: eventHubs.outputs.fullyQualifiedNamespace
      eventHubName: eventHubs.outputs.eventHubName
      identityId: eventHubs.outputs.hubIdentityId
    }
  }
}

module lifecycleTopic 'modules/lifecycle-topic.bicep' = {
  name: 'lifecycle-topic'
  scope: rg
  params: { name: names.lifecycleTopic, location: location, tags: tags }
}

module registry 'modules/container-registry.bicep' = if (createRegistry) {
  name: 'container-registry'
  scope: rg
  params: { name: names.registry, location: location, tags: tags }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: tags
    deploymentContainerUrl: '${storage.outputs.blobEndpoint}${deploymentContainerName}'
  }
}

module roles 'modules/role-assignments.bicep' = {
  name: 'role-assignments'
  scope: rg
  dependsOn: [ cosmos, keyVault, iotHub, lifecycleTopic ]
  params: {
    functionAppName: names.functionApp
    principalId: functionApp.outputs.principalId
    storageAccountName: names.storage
    cosmosAccountName: names.cosmos
    keyVaultName: names.keyVault
    keyVaultSecretNames: storedSecrets
    iotHubName: names.iotHub
    iotHubDispatchMode: iotHubDispatchMode
    eventHubsNamespaceName: names.eventHubs
    eventHubName: healthEventHubName
    lifecycleTopicName: names.lifecycleTopic
  }
}

// App settings. The names must match local.settings.sample.json and cover every setting functions/config.ts reads
// (test/unit/infra-settings.test.ts checks both). An empty secret means "use the managed identity";
// `X__accountName` / `X__fullyQualifiedNamespace` are the identity forms of the connections `X`.
// FUNCTIONS_WORKER_RUNTIME is not allowed on Flex Consumption: the runtime is set in functionAppConfig.
var appSettings = {
  AzureWebJobsStorage__accountName: names.storage
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  BLOB_CONNECTION_STRING: ''
  BLOB_SERVICE_URL: storage.outputs.blobEndpoint
  COSMOS_ENDPOINT: cosmos.outputs.endpoint
  COSMOS_KEY: ''
  COSMOS_DATABASE: cosmosDatabaseName
  // Devices: the IoT Hub, reached with the managed identity (role-assignments.bicep). The connection string and
  // CA file are for the local hub only. The app paces its calls to the tier's quotas, so SKU and units must match the hub.
  IOTHUB_HOSTNAME: iotHub.outputs.hostName
  IOTHUB_CONNECTION_STRING: ''
  IOTHUB_CA_FILE: ''
  IOTHUB_SKU: iotHubSku
  IOTHUB_UNITS: string(iotHubUnits)
  IOTHUB_QUOTA_SHARE: '0.9'
  IOTHUB_CLOCK_SCALE: '1'
  IOTHUB_DISPATCH_MODE: iotHubDispatchMode
  // Health telemetry: IoT Hub routes type=health messages to this event hub, read with the managed identity.
  IOTHUB_EVENTS__fullyQualifiedNamespace: eventHubs.outputs.fullyQualifiedNamespace
  IOTHUB_EVENTS_NAME: healthEventHubName
  IOTHUB_EVENTS_CONSUMER_GROUP: healthConsumerGroupName
  // Packages and signing: the Key Vault key signs; its root-signed certificate and the trusted roots are set after
  // `npm run keys -- certify` (see README); SIGNING_KEY_DIR is for local runs only.
  UPDATES_CONTAINER: updatesContainerName
  FIRMWARE_UPLOAD_CONTAINER: firmwareUploadContainerName
  SIGNING_KEY_DIR: ''
  KEYVAULT_KEY_URL: keyVault.outputs.signingKeyUrl
  SIGNING_CERTIFICATE: ''
  SIGNING_TRUSTED_ROOTS: ''
  SIGNING_RETIRED_CERTIFICATES: ''
  SIGNING_REVOCATION_LIST: ''
  // Governance: lifecycle CloudEvents go to the Event Grid topic (EVENTS_LOG_FILE is local only), and
  // AUTH_GROUP_ROLES maps Entra group ids to OTA.* roles when app roles are not assigned directly.
  EVENTGRID_TOPIC_ENDPOINT: lifecycleTopic.outputs.endpoint
  EVENTS_LOG_FILE: ''
  AUTH_GROUP_ROLES: ''
  // The dashboard's sign-in link when nobody is signed in (GET /api/me's 401 carries it): App Service
  // authentication's interactive Entra sign-in (modules/app-auth.bicep). Empty locally: the local sign-in form.
  DASHBOARD_SIGN_IN_URL: '/.auth/login/aad'
  // Teams approvals: both secrets live in Key Vault and reach the app as Key Vault references, resolved by the
  // platform with the app's identity. Each is set only when its secret exists: an unresolvable reference would
  // reach the app as its literal text. Without the link secret no cards are sent and approvers use the API.
  // PUBLIC_BASE_URL empty: links use the app's own host name.
  APPROVAL_LINK_SECRET: empty(approvalLinkSecret) ? '' : '@Microsoft.KeyVault(VaultName=${names.keyVault};SecretName=${secretNames.approvalLink})'
  TEAMS_WORKFLOW_URL: empty(teamsWorkflowUrl) ? '' : '@Microsoft.KeyVault(VaultName=${names.keyVault};SecretName=${secretNames.teamsWorkflowUrl})'
  PUBLIC_BASE_URL: ''
}

// Set by operators on the running app after deployment (public values: certificates, roots, group ids, URL);
// provisioning again keeps them (modules/app-settings.bicep).
var operatorSettingNames = [
  'SIGNING_CERTIFICATE'
  'SIGNING_TRUSTED_ROOTS'
  'SIGNING_RETIRED_CERTIFICATES'
  'SIGNING_REVOCATION_LIST'
  'AUTH_GROUP_ROLES'
  'PUBLIC_BASE_URL'
]

module settings 'modules/app-settings.bicep' = {
  name: 'app-settings'
  scope: rg
  dependsOn: [ roles ]
  params: { functionAppName: names.functionApp, appSettings: appSettings, operatorSettingNames: operatorSettingNames }
}

module auth 'modules/app-auth.bicep' = {
  name: 'app-auth'
  scope: rg
  dependsOn: [ functionApp ]
  params: { functionAppName: names.functionApp, clientId: authClientId }
}

// Imports: firmware uploads (BlobCreated in the upload container) and registry pushes (ImagePushed).
module firmwareEvents 'modules/system-topic.bicep' = {
  name: 'firmware-events'
  scope: rg
  params: {
    name: 'evgt-st-${token}'
    location: location
    tags: tags
    sourceId: storage.outputs.id
    topicType: 'Microsoft.Storage.StorageAccounts'
    subscribe: subscribeToEvents
    subscriptionName: 'firmware-uploaded'
    functionResourceId: '${functionApp.outputs.id}/functions/onFirmwareUploaded'
    filter: { eventType: 'Microsoft.Storage.BlobCreated', subjectBeginsWith: '/blobServices/default/containers/${firmwareUploadContainerName}/' }
  }
}

// A system topic lives in its source's resource group and region: next to a registry created here, or next to
// the existing one.
module imageEvents 'modules/system-topic.bicep' = if (createRegistry) {
  name: 'image-events'
  scope: rg
  params: {
    name: 'evgt-cr-${token}'
    location: location
    tags: tags
    sourceId: registry!.outputs.id
    topicType: 'Microsoft.ContainerRegistry.Registries'
    subscribe: subscribeToEvents
    subscriptionName: 'image-pushed'
    functionResourceId: '${functionApp.outputs.id}/functions/onImagePushed'
    filter: { eventType: 'Microsoft.ContainerRegistry.ImagePushed', subjectBeginsWith: '' }
  }
}

module existingRegistryImageEvents 'modules/system-topic.bicep' = if (!createRegistry) {
  name: 'image-events-${token}'
  scope: resourceGroup(split(containerRegistryId, '/')[2], split(containerRegistryId, '/')[4])
  params: {
    name: 'evgt-cr-${token}'
    location: empty(containerRegistryLocation) ? location : containerRegistryLocation
    tags: tags
    sourceId: containerRegistryId
    topicType: 'Microsoft.ContainerRegistry.Registries'
    subscribe: subscribeToEvents
    subscriptionName: 'image-pushed'
    functionResourceId: '${functionApp.outputs.id}/functions/onImagePushed'
    filter: { eventType: 'Microsoft.ContainerRegistry.ImagePushed', subjectBeginsWith: '' }
  }
}

module alerts 'modules/operations/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    namePrefix: 'ota-${token}'
    location: location
    tags: tags
    appInsightsId: monitoring.outputs.appInsightsId
    alertEmail: alertEmail
    rolloutStallMinutes: rolloutStallMinutes
  }
}

module workbook 'modules/operations/workbook.bicep' = {
  name: 'workbook'
  scope: rg
  params: {
    name: 'OTA rollouts (${environmentName})'
    location: location
    tags: tags
    appInsightsId: monitoring.outputs.appInsightsId
  }
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output HEALTH_URL string = '${functionApp.outputs.url}/api/health'
output DASHBOARD_URL string = '${functionApp.outputs.url}/api/dashboard'
// The app registration's Web redirect URI for browser sign-in (README, "Deploy to Azure", step 4).
output AUTH_REDIRECT_URI string = '${functionApp.outputs.url}/.auth/login/aad/callback'
output KEY_VAULT_URI string = keyVault.outputs.uri
output IOTHUB_HOSTNAME string = iotHub.outputs.hostName
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = createRegistry ? registry!.outputs.loginServer : ''
output FIRMWARE_UPLOAD_URL string = '${storage.outputs.blobEndpoint}${firmwareUploadContainerName}'
