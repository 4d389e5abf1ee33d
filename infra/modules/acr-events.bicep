// Placeholder: the Event Grid system topic for an existing container registry. The subscription that delivers
// ImagePushed events to the app's Event Grid trigger is added once that function exists (it needs the
// deployed function's webhook URL).
param name string
param location string
param tags object
param containerRegistryId string

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    source: containerRegistryId
    topicType: 'Microsoft.ContainerRegistry.Registries'
  }
}

output name string = topic.name
