// What the Function App's managed identity may do, each on one resource (or one secret) only. Assignment names
// derive from the app's name, not its principal id, so What-If can predict them before the app exists.
param functionAppName string
param principalId string
param storageAccountName string
param cosmosAccountName string
param keyVaultName string

@description('Secrets in the vault the app reads through Key Vault references (only those that exist).')
param keyVaultSecretNames string[]

param iotHubName string

@allowed([ 'patches', 'job' ])
@description('IOTHUB_DISPATCH_MODE: twin-update jobs need the jobs data actions as well.')
param iotHubDispatchMode string

param eventHubsNamespaceName string
param eventHubName string
param lifecycleTopicName string

// Built-in role definition ids (the same in every tenant). test/unit/infra-settings.test.ts checks that each role
// the code needs is assigned here.
var role = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // host leases, deployment package, app blobs
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Durable work-item and control queues
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Durable history and instance tables
  keyVaultCryptoUser: '12338af0-0e69-4776-bea7-57ae8d297424' // sign with the manifest key
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6' // Key Vault references in app settings
  iotHubTwinContributor: '494bdba2-168f-4f31-a0a1-191d2f7c028c' // getTwin, updateTwin, twin queries
  iotHubDataContributor: '4fc6c259-987e-4a07-842e-c321cc9d413f' // + twin-update jobs (no narrower built-in role has jobs)
  eventHubsDataReceiver: 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde' // the health telemetry trigger
  eventGridDataSender: 'd5a91429-5739-47e2-a06b-3470a27159e7' // lifecycle CloudEvents
}
// Cosmos DB Built-in Data Contributor: a Cosmos data-plane role, assigned through Cosmos, not Azure RBAC.
var cosmosDataContributor = '00000000-0000-0000-0000-000000000002'

var storageRoles = [ role.storageBlobDataOwner, role.storageQueueDataContributor, role.storageTableDataContributor ]
var iotHubRoles = iotHubDispatchMode == 'job' ? [ role.iotHubTwinContributor, role.iotHubDataContributor ] : [ role.iotHubTwinContributor ]

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource storageAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in storageRoles: {
    name: guid(storage.id, functionAppName, roleId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' existing = {
  name: cosmosAccountName
}

resource cosmosAccess 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: cosmos
  name: guid(cosmos.id, functionAppName, cosmosDataContributor)
  properties: {
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributor}'
    principalId: principalId
    scope: cosmos.id
  }
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource vaultCrypto 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, functionAppName, role.keyVaultCryptoUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.keyVaultCryptoUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource secrets 'Microsoft.KeyVault/vaults/secrets@2024-11-01' existing = [for secretName in keyVaultSecretNames: {
  parent: vault
  name: secretName
}]

resource secretAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (secretName, i) in keyVaultSecretNames: {
    name: guid(vault.id, secretName, functionAppName, role.keyVaultSecretsUser)
    scope: secrets[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.keyVaultSecretsUser)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource hub 'Microsoft.Devices/IotHubs@2023-06-30' existing = {
  name: iotHubName
}

resource hubAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in iotHubRoles: {
    name: guid(hub.id, functionAppName, roleId)
    scope: hub
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource eventHubsNamespace 'Microsoft.EventHub/namespaces@2024-01-01' existing = {
  name: eventHubsNamespaceName
}

resource healthEvents 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' existing = {
  parent: eventHubsNamespace
  name: eventHubName
}

resource healthEventsAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(healthEvents.id, functionAppName, role.eventHubsDataReceiver)
  scope: healthEvents
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.eventHubsDataReceiver)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource lifecycleTopic 'Microsoft.EventGrid/topics@2025-02-15' existing = {
  name: lifecycleTopicName
}

resource lifecycleTopicAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(lifecycleTopic.id, functionAppName, role.eventGridDataSender)
  scope: lifecycleTopic
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.eventGridDataSender)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
