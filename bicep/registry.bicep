metadata description = 'The container registry azd pushes the silo image to; the silos pull it with their identity (AcrPull), never with the admin user.'

@description('Name of the registry (5-50 letters and digits, globally unique).')
param name string

@description('Azure region of the registry.')
param location string

@description('Tags for the registry (azd-env-name).')
param tags object

@description('Name of the existing user-assigned identity that pulls images (AcrPull, nothing else).')
param pullIdentityName string

// AcrPull: read images, nothing more.
var acrPullRoleId = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

resource pullIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: pullIdentityName
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Basic'
  }
  properties: {
    adminUserEnabled: false
    publicNetworkAccess: 'Enabled'
  }
}

resource pull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, pullIdentity.id, acrPullRoleId)
  scope: registry
  properties: {
    principalId: pullIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPullRoleId)
  }
}

@description('Name of the registry.')
output name string = registry.name

@description('Login server (host name) of the registry: where azd pushes and the app pulls.')
output loginServer string = registry.properties.loginServer
