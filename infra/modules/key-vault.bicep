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

// The online manifest signing key (EC P-256, ES256): created and kept in the vault, certified by the offline root.
resource signingKey 'Microsoft.KeyVault/vaults/keys@2023-07-01' = {
  parent: vault
  name: 'manifest-signing'
  properties: {
    kty: 'EC'
    curveName: 'P-256'
    keyOps: [ 'sign', 'verify' ]
  }
}

output name string = vault.name
output signingKeyUrl string = signingKey.properties.keyUriWithVersion
output uri string = vault.properties.vaultUri
