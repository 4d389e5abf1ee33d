// The Event Grid topic the app publishes its lifecycle CloudEvents to (Contoso.Ota.*: imports, rollouts, waves,
// approvals) for change-management and monitoring systems to subscribe to. Keys off: the app sends with its
// identity (EventGrid Data Sender, role-assignments.bicep).
param name string
param location string
param tags object

resource topic 'Microsoft.EventGrid/topics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    inputSchema: 'CloudEventSchemaV1_0'
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
  }
}

output name string = topic.name
output endpoint string = topic.properties.endpoint
