// App Service authentication in front of the app. It is always on: it strips client-supplied
// x-ms-client-principal headers, which the app trusts for roles. Unauthenticated requests still reach the app
// (Event Grid deliveries, signed approval links, /api/health), which answers 401/403 itself where a role is needed.
// With an Entra app registration (client id) it validates bearer tokens and passes the caller's app roles on;
// without one nobody can authenticate, and every role-protected call gets 401.
//
// Browsers sign in at /.auth/login/aad (the dashboard links there: DASHBOARD_SIGN_IN_URL). Without a client secret
// App Service uses the implicit flow for an ID token alone, so the registration needs the Web redirect URI
// https://<host>/.auth/login/aad/callback and ID token issuance (README, "Deploy to Azure", step 4). The session
// cookie then carries the user's claims, and App Service adds x-ms-client-principal to each request from it: the
// token store stays off, since the app never calls another API with the user's tokens. The dashboard's
// post_login_redirect_uri is a relative path, so no external redirect URL is allowed.
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
    login: {
      tokenStore: { enabled: false }
      allowedExternalRedirectUrls: []
    }
  }
}
