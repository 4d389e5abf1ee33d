// Key Vault holding the manifest signing key. RBAC permission model: the app gets Crypto User (sign, verify),
// never access to the private key itself.
param name string
param location string
param tags object

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
