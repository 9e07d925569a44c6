metadata description = 'The user-assigned managed identity the silos run as: it pulls the image, reads the vault and uses storage, each through its own narrow data-plane role granted by the module that owns the resource.'

@description('Name of the identity.')
param name string

@description('Azure region of the identity.')
param location string

@description('Tags for the identity (azd-env-name).')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id of the identity, for the container app and its Key Vault and registry references.')
output id string = identity.id

@description('Object (principal) id of the identity, the subject of its role assignments.')
output principalId string = identity.properties.principalId

@description('Client id of the identity: AZURE_CLIENT_ID tells DefaultAzureCredential which identity to use.')
output clientId string = identity.properties.clientId
