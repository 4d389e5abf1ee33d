// Key Vault holding the manifest signing key and the app's two secrets. RBAC permission model: the app gets
// Crypto User (sign, verify), never the private key, and Secrets User on each of its secrets only.
param name string
param location string
param tags object

@description('Names of the secrets in the vault; main.bicep refers to them from the app settings.')
param secretNames { approvalLink: string, teamsWorkflowUrl: string }

@secure()
@description('Approval-link HMAC secret (at least 32 random characters). Empty: no secret stored, no Teams links.')
param approvalLinkSecret string = ''

@secure()
@description('Teams Workflows webhook URL (its signature is a credential). Empty: not stored.')
param teamsWorkflowUrl string = ''

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
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
resource signingKey 'Microsoft.KeyVault/vaults/keys@2024-11-01' = {
  parent: vault
  name: 'manifest-signing'
  properties: {
    kty: 'EC'
    curveName: 'P-256'
    keyOps: [ 'sign', 'verify' ]
  }
}

resource approvalLinkSecretValue 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(approvalLinkSecret)) {
  parent: vault
  name: secretNames.approvalLink
  properties: { value: approvalLinkSecret, contentType: 'text/plain' }
}

resource teamsWorkflowUrlValue 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(teamsWorkflowUrl)) {
  parent: vault
  name: secretNames.teamsWorkflowUrl
  properties: { value: teamsWorkflowUrl, contentType: 'text/uri-list' }
}

output name string = vault.name
output signingKeyUrl string = signingKey.properties.keyUriWithVersion
output uri string = vault.properties.vaultUri
