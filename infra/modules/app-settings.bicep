// The Function App's settings, applied once its identity holds its roles (Key Vault references resolve at once).
// This resource replaces the whole set, so settings an operator sets after deployment (the signing certificate
// and trusted roots from `npm run keys -- certify`, group-role mappings) are read back and kept: main.bicep lists
// them empty, and a value already on the app wins over that empty default.
param functionAppName string

@description('App settings as name: value; see main.bicep.')
param appSettings object

@description('Settings operators set on the running app; their current values are kept.')
param operatorSettingNames string[]

resource site 'Microsoft.Web/sites@2024-11-01' existing = {
  name: functionAppName
}

// Read through the list action (not a symbolic reference), so it is not taken for a dependency on itself.
var current = list('${site.id}/config/appsettings', '2024-11-01').properties
var kept = toObject(filter(operatorSettingNames, (name) => !empty(current[?name] ?? '')), (name) => name, (name) => current[name])

resource settings 'Microsoft.Web/sites/config@2024-11-01' = {
  parent: site
  name: 'appsettings'
  properties: union(appSettings, kept)
}
