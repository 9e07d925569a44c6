metadata description = 'HealingGrains on Azure, as azd deploys it: one resource group holding the silos (a Container App whose replicas are the silos), their identity, registry, storage, Redis membership, Key Vault and monitoring.'

targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment: names the resource group, seeds every resource name and tags every resource (azd-env-name).')
param environmentName string

@minLength(1)
@description('Azure region of every resource.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the person running azd (AZURE_PRINCIPAL_ID): allowed to read the operator key from the vault. Empty grants nobody.')
param principalId string = ''

@description('Silo container image; empty (first provision, before azd deploy has built one) runs a placeholder that azd deploy replaces.')
param siloImage string = ''

@description('Number of silos (container replicas), fixed.')
@minValue(1)
@maxValue(10)
param siloReplicas int = 2

@secure()
@minLength(32)
@description('The operator key (HealingGrains:Bootstrap:OperatorKey). azd generates it once, keeps it in the environment\'s configuration and passes it on every provision; it lands only in Key Vault.')
@metadata({
  azd: {
    type: 'generate'
    config: {
      length: 48
      noSpecial: true
    }
  }
})
param operatorKey string

// One token per subscription, environment and region keeps names unique and stable across provisions.
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var serviceName = 'silo'
// Names are known before anything is deployed, so modules that look resources up by name keep What-If precise.
var names = {
  identity: 'id-${resourceToken}'
  logAnalytics: 'log-${resourceToken}'
  applicationInsights: 'appi-${resourceToken}'
  registry: 'cr${resourceToken}'
  storage: 'st${resourceToken}'
  keyVault: 'kv-${resourceToken}'
  redis: 'redis-${resourceToken}'
  environment: 'cae-${resourceToken}'
  silo: 'ca-${serviceName}-${resourceToken}'
}
// Public placeholder that answers HTTP until azd deploy pushes the real image.
var placeholderImage = 'mcr.microsoft.com/k8se/quickstart:latest'

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity '../bicep/identity.bicep' = {
  name: 'identity'
  scope: resourceGroup
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring '../bicep/monitoring.bicep' = {
  name: 'monitoring'
  scope: resourceGroup
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
  }
}

module registry '../bicep/registry.bicep' = {
  name: 'registry'
  scope: resourceGroup
  params: {
    name: names.registry
    location: location
    tags: tags
    pullIdentityName: names.identity
  }
  dependsOn: [
    identity
  ]
}

module storage '../bicep/storage.bicep' = {
  name: 'storage'
  scope: resourceGroup
  params: {
    name: names.storage
    location: location
    tags: tags
    dataIdentityName: names.identity
  }
  dependsOn: [
    identity
  ]
}

module keyVault '../bicep/key-vault.bicep' = {
  name: 'key-vault'
  scope: resourceGroup
  params: {
    name: names.keyVault
    location: location
    tags: tags
    readerIdentityName: names.identity
    operatorPrincipalId: principalId
    operatorKey: operatorKey
  }
  dependsOn: [
    identity
  ]
}

module redis '../bicep/redis.bicep' = {
  name: 'redis'
  scope: resourceGroup
  params: {
    name: names.redis
    location: location
    tags: tags
    keyVaultName: names.keyVault
  }
  dependsOn: [
    keyVault
  ]
}

module environment '../bicep/container-apps-environment.bicep' = {
  name: 'container-apps-environment'
  scope: resourceGroup
  params: {
    name: names.environment
    location: location
    tags: tags
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
  }
  dependsOn: [
    monitoring
  ]
}

module silo '../bicep/silo-app.bicep' = {
  name: 'silo'
  scope: resourceGroup
  params: {
    name: names.silo
    location: location
    tags: tags
    serviceName: serviceName
    environmentId: environment.outputs.id
    image: empty(siloImage) ? placeholderImage : siloImage
    registryServer: registry.outputs.loginServer
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    tableEndpoint: storage.outputs.tableEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    operatorKeySecretUri: keyVault.outputs.operatorKeySecretUri
    redisConnectionStringSecretUri: redis.outputs.connectionStringSecretUri
    replicas: siloReplicas
  }
}

@description('Region of the deployment (azd).')
output AZURE_LOCATION string = location

@description('Directory (tenant) id of the subscription (azd).')
output AZURE_TENANT_ID string = subscription().tenantId

@description('Resource group holding everything (azd).')
output AZURE_RESOURCE_GROUP string = resourceGroup.name

@description('Registry azd pushes the silo image to.')
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer

@description('Name of the registry.')
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.name

@description('Name of the Container Apps environment.')
output AZURE_CONTAINER_ENVIRONMENT_NAME string = environment.outputs.name

@description('Name of the Key Vault; the operator key is its secret operator-key.')
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name

@description('Name of the silo container app.')
output SERVICE_SILO_NAME string = silo.outputs.name

@description('Public address of the API and portal.')
output SERVICE_SILO_URI string = silo.outputs.uri

// The app's plain settings, exactly as set on the container app and under the same names, so `azd env get-values`
// can configure a local host against the deployed resources. Secrets are not outputs: they stay in Key Vault.
@description('HealingGrains:Storage:Provider of the silos.')
output HealingGrains__Storage__Provider string = silo.outputs.HealingGrains__Storage__Provider

@description('HealingGrains:Storage:ServiceUri of the silos: the table endpoint, used with managed identity.')
output HealingGrains__Storage__ServiceUri string = silo.outputs.HealingGrains__Storage__ServiceUri

@description('HealingGrains:Streams:Provider of the silos: the durable diagnostics stream.')
output HealingGrains__Streams__Provider string = silo.outputs.HealingGrains__Streams__Provider

@description('HealingGrains:Streams:ServiceUri of the silos: the queue endpoint of the durable stream, used with managed identity.')
output HealingGrains__Streams__ServiceUri string = silo.outputs.HealingGrains__Streams__ServiceUri

@description('HealingGrains:Clustering:Provider of the silos.')
output HealingGrains__Clustering__Provider string = silo.outputs.HealingGrains__Clustering__Provider

@description('HealingGrains:Clustering:AdvertisedAddress of the silos: each advertises its own replica address.')
output HealingGrains__Clustering__AdvertisedAddress string = silo.outputs.HealingGrains__Clustering__AdvertisedAddress

@description('Client id of the silos\' identity (AZURE_CLIENT_ID).')
output AZURE_CLIENT_ID string = silo.outputs.AZURE_CLIENT_ID

@description('Where Kestrel listens inside the container (ASPNETCORE_URLS).')
output ASPNETCORE_URLS string = silo.outputs.ASPNETCORE_URLS
