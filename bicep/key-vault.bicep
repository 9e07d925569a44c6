metadata description = 'The Key Vault holding the platform\'s secrets (operator key; the Redis module adds its connection string): RBAC authorization, soft delete; the silos\' identity may read secrets and nothing else.'

@description('Name of the vault (3-24 letters, digits and hyphens, globally unique).')
param name string

@description('Azure region of the vault.')
param location string

@description('Tags for the vault (azd-env-name).')
param tags object

@description('Name of the existing user-assigned identity that reads the secrets at run time (Key Vault Secrets User).')
param readerIdentityName string

@description('Object id of the person running azd, who may read the operator key after provisioning (Key Vault Secrets User); empty grants nobody.')
param operatorPrincipalId string = ''

@secure()
@description('The operator key: the only secret of the platform that is chosen rather than derived.')
param operatorKey string

// Key Vault Secrets User: read secret values, nothing else (no listing of keys or certificates, no writes).
var secretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

resource readerIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: readerIdentityName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource operatorKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'operator-key'
  properties: {
    value: operatorKey
    contentType: 'text/plain'
  }
}

resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, readerIdentity.id, secretsUserRoleId)
  scope: vault
  properties: {
    principalId: readerIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUserRoleId)
  }
}

resource operatorReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(vault.id, operatorPrincipalId, secretsUserRoleId)
  scope: vault
  properties: {
    principalId: operatorPrincipalId
    principalType: 'User'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUserRoleId)
  }
}

@description('Name of the vault.')
output name string = vault.name

@description('Versionless URI of the operator key secret: the container app resolves its newest version.')
output operatorKeySecretUri string = operatorKeySecret.properties.secretUri
