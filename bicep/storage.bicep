metadata description = 'The storage account behind grain state, audit and history (tables) and durable streams (queues): Entra ID only (shared keys off), TLS 1.2, no public blob access; the silos\' identity gets table and queue data roles on it and nothing else.'

@description('Name of the storage account (3-24 lowercase letters and digits, globally unique).')
param name string

@description('Azure region of the account.')
param location string

@description('Tags for the account (azd-env-name).')
param tags object

@description('Name of the existing user-assigned identity that reads and writes tables and queues.')
param dataIdentityName string

@description('Replication of the account.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_RAGRS'
])
param skuName string = 'Standard_LRS'

// Storage Table Data Contributor and Storage Queue Data Contributor: data-plane access to tables and queues only.
var tableDataContributorRoleId = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var queueDataContributorRoleId = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'

resource dataIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: dataIdentityName
}

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource tableData 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, dataIdentity.id, tableDataContributorRoleId)
  scope: account
  properties: {
    principalId: dataIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', tableDataContributorRoleId)
  }
}

resource queueData 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, dataIdentity.id, queueDataContributorRoleId)
  scope: account
  properties: {
    principalId: dataIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', queueDataContributorRoleId)
  }
}

@description('Name of the account.')
output name string = account.name

@description('Table service endpoint (https://<account>.table.core.windows.net/): HealingGrains:Storage:ServiceUri.')
output tableEndpoint string = account.properties.primaryEndpoints.table

@description('Queue service endpoint, for the durable stream provider.')
output queueEndpoint string = account.properties.primaryEndpoints.queue
