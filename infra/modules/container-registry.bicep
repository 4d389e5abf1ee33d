// The container registry CI pushes images to; each push (ImagePushed) starts an import. Admin user off: CI pushes
// with its own Entra identity (AcrPush). Devices pull with credentials the fleet's operators manage.
param name string
param location string
param tags object

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: 'Standard' }
  properties: {
    adminUserEnabled: false
  }
}

output id string = registry.id
output loginServer string = registry.properties.loginServer
