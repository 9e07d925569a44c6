metadata description = 'The Container Apps environment the silos run in: console logs to Log Analytics, and the managed OpenTelemetry agent forwarding traces and logs to Application Insights.'

@description('Name of the environment.')
param name string

@description('Azure region of the environment.')
param location string

@description('Tags for the environment (azd-env-name).')
param tags object

@description('Name of the existing Log Analytics workspace that receives console logs.')
param logAnalyticsName string

@description('Name of the existing Application Insights component the OpenTelemetry agent sends to.')
param applicationInsightsName string

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: logAnalyticsName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource environment 'Microsoft.App/managedEnvironments@2024-10-02-preview' = {
  name: name
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logAnalytics.properties.customerId
        sharedKey: logAnalytics.listKeys().primarySharedKey
      }
    }
    appInsightsConfiguration: {
      connectionString: applicationInsights.properties.ConnectionString
    }
    // The agent gives every app OTEL_EXPORTER_OTLP_ENDPOINT: a host that exports OTLP needs no Azure-specific setting.
    openTelemetryConfiguration: {
      tracesConfiguration: {
        destinations: [
          'appInsights'
        ]
      }
      logsConfiguration: {
        destinations: [
          'appInsights'
        ]
      }
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
  }
}

@description('Resource id of the environment.')
output id string = environment.id

@description('Name of the environment.')
output name string = environment.name

@description('Default domain of the environment (apps are https://<app>.<domain>).')
output defaultDomain string = environment.properties.defaultDomain
