metadata description = 'Log Analytics for the container logs and Application Insights (workspace-based) for the silos\' telemetry.'

@description('Name of the Log Analytics workspace.')
param logAnalyticsName string

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('Azure region of both.')
param location string

@description('Tags for both (azd-env-name).')
param tags object

@description('Days the workspace keeps logs.')
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    // The Container Apps environment's managed OpenTelemetry agent sends with the connection string (instrumentation
    // key ingestion), so local authentication has to stay on; the key only lets one write telemetry, never read it.
    DisableLocalAuth: false
  }
}

@description('Name of the Log Analytics workspace.')
output logAnalyticsName string = logAnalytics.name

@description('Name of the Application Insights component.')
output applicationInsightsName string = applicationInsights.name
