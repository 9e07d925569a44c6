metadata description = 'Azure Managed Redis for Orleans cluster membership: TLS only, no eviction (a membership table must never be evicted); its connection string, with the access key, is written straight into Key Vault and never leaves Azure Resource Manager as a value.'

@description('Name of the Redis cluster (globally unique).')
param name string

@description('Azure region of the cluster.')
param location string

@description('Tags for the cluster (azd-env-name).')
param tags object

@description('Name of the existing Key Vault that receives the connection string.')
param keyVaultName string

@description('Size of the cluster: Balanced_B0 is the smallest Azure Managed Redis size.')
param skuName string = 'Balanced_B0'

@description('Whether the cluster keeps a replica in another zone; membership lives only here, so on by default.')
@allowed([
  'Enabled'
  'Disabled'
])
param highAvailability string = 'Enabled'

resource cluster 'Microsoft.Cache/redisEnterprise@2025-04-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
  }
  properties: {
    minimumTlsVersion: '1.2'
    highAvailability: highAvailability
  }
}

resource database 'Microsoft.Cache/redisEnterprise/databases@2025-04-01' = {
  parent: cluster
  name: 'default'
  properties: {
    clientProtocol: 'Encrypted'
    port: 10000
    clusteringPolicy: 'EnterpriseCluster'
    evictionPolicy: 'NoEviction'
    accessKeysAuthentication: 'Enabled'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource connectionString 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'redis-connection-string'
  properties: {
    value: '${cluster.properties.hostName}:${database.properties.port},password=${database.listKeys().primaryKey},ssl=True,abortConnect=False'
    contentType: 'text/plain'
  }
}

@description('Name of the Redis cluster.')
output name string = cluster.name

@description('Host name of the cluster (not a secret).')
output hostName string = cluster.properties.hostName

@description('Versionless URI of the Key Vault secret holding the StackExchange.Redis connection string.')
output connectionStringSecretUri string = connectionString.properties.secretUri
