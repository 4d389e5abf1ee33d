// App Service authentication in front of the app. It is always on: it strips client-supplied
// x-ms-client-principal headers, which the app trusts for roles. Unauthenticated requests still reach the app
// (Event Grid deliveries, signed approval links, /api/health), which answers 401/403 itself where a role is needed.
// With an Entra app registration (client id) it validates bearer tokens and passes the caller's app roles on;
// without one nobody can authenticate, and every role-protected call gets 401.
param functionAppName string

@description('Client id of the Entra app registration that defines the OTA.* app roles. Empty: no sign-in yet.')
param clientId string

resource site 'Microsoft.Web/sites@2024-11-01' existing = {
  name: functionAppName
}

resource auth 'Microsoft.Web/sites/config@2024-11-01' = {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: { enabled: true }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: !empty(clientId)
        registration: {
          clientId: clientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: empty(clientId) ? [] : [ 'api://${clientId}', clientId ]
        }
      }
    }
    login: { tokenStore: { enabled: false } }
  }
}
