// The Function App's settings, applied once its identity holds its roles (Key Vault references resolve at once).
// This resource replaces the whole set: every setting the app reads is listed in main.bicep.
param functionAppName string

@description('App settings as name: value; see main.bicep.')
param appSettings object

resource site 'Microsoft.Web/sites@2024-11-01' existing = {
  name: functionAppName
}

resource settings 'Microsoft.Web/sites/config@2024-11-01' = {
  parent: site
  name: 'appsettings'
  properties: appSettings
}
