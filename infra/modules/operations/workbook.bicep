// The operators' workbook over the app's Application Insights: rollouts, waves, health, IoT Hub throttles and
// imports (workbook.json; its queries read the names in telemetry-names.bicep).
param name string
param location string
param tags object
param appInsightsId string

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  // A workbook's resource name must be a GUID.
  name: guid(resourceGroup().id, name)
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: name
    category: 'workbook'
    sourceId: appInsightsId
    serializedData: loadTextContent('workbook.json')
  }
}
