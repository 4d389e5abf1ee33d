// Serverless Cosmos DB (NoSQL) account and the app's database. Keys are disabled: data access goes through
// Entra ID and a Cosmos data-plane role (role-assignments.bicep).
param name string
param location string
param tags object
param databaseName string

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    // Serverless accounts are single-region; the app's client turns endpoint discovery off accordingly.
    locations: [
      { locationName: location, failoverPriority: 0, isZoneRedundant: false }
    ]
    capabilities: [
      { name: 'EnableServerless' }
    ]
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    disableLocalAuth: true
    minimalTlsVersion: 'Tls12'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: { id: databaseName }
  }
}

// The app's containers: names and partition keys must match adapters/cosmos/containers.ts
// (test/unit/infra-settings.test.ts checks it). Serverless, so no throughput settings; deploying again leaves
// existing containers and their data as they are.
var containers = [
  { name: 'updates', partitionKeyPath: '/pk' }
  { name: 'rollouts', partitionKeyPath: '/id' }
  { name: 'batches', partitionKeyPath: '/rolloutId' }
  { name: 'importRules', partitionKeyPath: '/id' }
  { name: 'imports', partitionKeyPath: '/id' }
  { name: 'counters', partitionKeyPath: '/id' }
  { name: 'audit', partitionKeyPath: '/pk' }
  { name: 'approvalLinks', partitionKeyPath: '/id' }
  { name: 'deviceHealth', partitionKeyPath: '/id' }
  { name: 'rejectedMessages', partitionKeyPath: '/id' }
]

resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [for container in containers: {
  parent: database
  name: container.name
  properties: {
    resource: {
      id: container.name
      partitionKey: { paths: [ container.partitionKeyPath ], kind: 'Hash', version: 2 }
    }
  }
}]

output name string = account.name
output endpoint string = account.properties.documentEndpoint
