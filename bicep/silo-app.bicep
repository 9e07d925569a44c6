metadata description = 'The HealingGrains host as a Container App: every replica is one silo (API, portal and Orleans silo in one process), joined through Redis membership and reached by its peers at its own replica address; settings as environment variables, secrets as Key Vault references resolved with the app\'s identity.'

@description('Name of the container app.')
param name string

@description('Azure region of the app.')
param location string

@description('Tags for the app (azd-env-name); azd-service-name is added here so azd deploy finds the app.')
param tags object

@description('Name of the service in azure.yaml.')
param serviceName string

@description('Resource id of the Container Apps environment.')
param environmentId string

@description('Container image to run; azd deploy replaces it with the image it built and pushed.')
param image string

@description('Login server of the registry the image is pulled from.')
param registryServer string

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity (AZURE_CLIENT_ID, read by DefaultAzureCredential).')
param identityClientId string

@description('Table service endpoint of the storage account (HealingGrains:Storage:ServiceUri).')
param tableEndpoint string

@description('Queue service endpoint of the storage account (HealingGrains:Streams:ServiceUri, the durable diagnostics stream).')
param queueEndpoint string

@description('Key Vault secret URI of the operator key (HealingGrains:Bootstrap:OperatorKey).')
param operatorKeySecretUri string

@description('Key Vault secret URI of the Redis connection string (HealingGrains:Clustering:ConnectionString).')
param redisConnectionStringSecretUri string

@description('Number of silos. Fixed (minimum = maximum): membership changes are deliberate, never a reaction to load.')
@minValue(1)
@maxValue(10)
param replicas int = 2

@description('vCPUs per silo (Consumption profile: 0.25 steps, memory = 2 GiB per vCPU).')
param cpu string = '1.0'

@description('Memory per silo.')
param memory string = '2Gi'

// The HTTP port inside the container; ingress forwards to it and ASPNETCORE_URLS makes Kestrel listen on it.
var httpPort = 8080

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: name
  location: location
  tags: union(tags, {
    'azd-service-name': serviceName
  })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: httpPort
        transport: 'http'
        allowInsecure: false
        // The portal is Blazor Server: a browser's circuit lives on one silo, so it sticks to it.
        stickySessions: {
          affinity: 'sticky'
        }
      }
      registries: [
        {
          server: registryServer
          identity: identityId
        }
      ]
      secrets: [
        {
          name: 'operator-key'
          keyVaultUrl: operatorKeySecretUri
          identity: identityId
        }
        {
          name: 'redis-connection-string'
          keyVaultUrl: redisConnectionStringSecretUri
          identity: identityId
        }
      ]
    }
    template: {
      containers: [
        {
          name: serviceName
          image: image
          resources: {
            cpu: json(cpu)
            memory: memory
          }
          env: [
            {
              name: 'ASPNETCORE_URLS'
              value: 'http://+:${httpPort}'
            }
            {
              name: 'AZURE_CLIENT_ID'
              value: identityClientId
            }
            {
              name: 'HealingGrains__Storage__Provider'
              value: 'AzureTable'
            }
            {
              name: 'HealingGrains__Storage__ServiceUri'
              value: tableEndpoint
            }
            {
              name: 'HealingGrains__Streams__Provider'
              value: 'AzureQueue'
            }
            {
              name: 'HealingGrains__Streams__ServiceUri'
              value: queueEndpoint
            }
            {
              name: 'HealingGrains__Clustering__Provider'
              value: 'Redis'
            }
            {
              name: 'HealingGrains__Clustering__AdvertisedAddress'
              value: 'Auto'
            }
            {
              name: 'HealingGrains__Clustering__ConnectionString'
              secretRef: 'redis-connection-string'
            }
            {
              name: 'HealingGrains__Bootstrap__OperatorKey'
              secretRef: 'operator-key'
            }
          ]
          // Startup and liveness ask /health/live (the process answers); readiness asks /health/ready (storage readable,
          // this silo active in the cluster), so a replica that lost its storage or cluster stops getting traffic.
          probes: [
            {
              type: 'Startup'
              httpGet: {
                path: '/health/live'
                port: httpPort
              }
              periodSeconds: 5
              failureThreshold: 30
            }
            {
              type: 'Liveness'
              httpGet: {
                path: '/health/live'
                port: httpPort
              }
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              type: 'Readiness'
              httpGet: {
                path: '/health/ready'
                port: httpPort
              }
              periodSeconds: 10
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: replicas
        maxReplicas: replicas
      }
    }
  }
}

@description('Name of the container app.')
output name string = app.name

@description('Public HTTPS address of the API and portal.')
output uri string = 'https://${app.properties.configuration.ingress.fqdn}'

// The plain settings the app reads, under the names it reads them by (azd writes them to the environment's .env).
@description('HealingGrains:Storage:Provider as set on the app.')
output HealingGrains__Storage__Provider string = 'AzureTable'

@description('HealingGrains:Storage:ServiceUri as set on the app.')
output HealingGrains__Storage__ServiceUri string = tableEndpoint

@description('HealingGrains:Streams:Provider as set on the app.')
output HealingGrains__Streams__Provider string = 'AzureQueue'

@description('HealingGrains:Streams:ServiceUri as set on the app.')
output HealingGrains__Streams__ServiceUri string = queueEndpoint

@description('HealingGrains:Clustering:Provider as set on the app.')
output HealingGrains__Clustering__Provider string = 'Redis'

@description('HealingGrains:Clustering:AdvertisedAddress as set on the app.')
output HealingGrains__Clustering__AdvertisedAddress string = 'Auto'

@description('AZURE_CLIENT_ID as set on the app.')
output AZURE_CLIENT_ID string = identityClientId

@description('ASPNETCORE_URLS as set on the app.')
output ASPNETCORE_URLS string = 'http://+:${httpPort}'
