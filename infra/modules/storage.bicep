// Storage for the Functions host (AzureWebJobsStorage, Durable task hub), the deployment package and app blobs.
// Shared keys are disabled: everything authenticates with Entra ID.
param name string
param location string
param tags object
param deploymentContainerName string

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

// Flex Consumption runs the app from a package in this container.
resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
}

// Imported packages (files, deltas, signed manifests) and the container CI uploads firmware to (its BlobCreated
// events reach onFirmwareUploaded). Names match UPDATES_CONTAINER and FIRMWARE_UPLOAD_CONTAINER.
resource packageContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for name in [ 'updates', 'firmware-uploads' ]: {
  parent: blobService
  name: name
}]

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output id string = account.id
