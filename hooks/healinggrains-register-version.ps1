#!/usr/bin/env pwsh
# azd postdeploy hook for HealingGrains tenants (PowerShell 7): registers the version azd just deployed with
# POST /api/v1/deployments/{deployment}/versions, authenticated with the tenant's ingest key.
# Same settings, defaults and exit status as healinggrains-register-version.sh beside it:
#   HEALINGGRAINS_URL, HEALINGGRAINS_INGEST_KEY (required); HEALINGGRAINS_DEPLOYMENT (default AZURE_ENV_NAME);
#   HEALINGGRAINS_VERSION (default `git describe --tags --always`, else the image tag of HEALINGGRAINS_SERVICE);
#   HEALINGGRAINS_COMMIT (default GITHUB_SHA, BUILD_SOURCEVERSION, else `git rev-parse HEAD`); HEALINGGRAINS_ATTEMPTS (5).
# Exit status: 0 registered; 1 refused or unreachable; 2 a required setting is missing.
#Requires -Version 7.0
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

function Stop-Hook([string] $Message, [int] $Code = 1) {
    [Console]::Error.WriteLine("healinggrains: $Message")
    exit $Code
}

function Test-GitWorkTree {
    if (-not (Get-Command git -ErrorAction SilentlyContinue)) { return $false }
    git rev-parse --is-inside-work-tree 2>$null | Out-Null
    return $LASTEXITCODE -eq 0
}

$url = $env:HEALINGGRAINS_URL
$key = $env:HEALINGGRAINS_INGEST_KEY
$deployment = if ($env:HEALINGGRAINS_DEPLOYMENT) { $env:HEALINGGRAINS_DEPLOYMENT } else { $env:AZURE_ENV_NAME }
if (-not $url) { Stop-Hook 'HEALINGGRAINS_URL is not set: azd env set HEALINGGRAINS_URL https://<your HealingGrains host>' 2 }
if (-not $key) { Stop-Hook "HEALINGGRAINS_INGEST_KEY is not set: azd env set HEALINGGRAINS_INGEST_KEY <the tenant's ingest key> (or a pipeline secret)" 2 }
if (-not $deployment) { Stop-Hook 'neither HEALINGGRAINS_DEPLOYMENT nor AZURE_ENV_NAME is set: azd env set HEALINGGRAINS_DEPLOYMENT <deployment>' 2 }
if ($deployment -cnotmatch '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$') {
    Stop-Hook "deployment '$deployment' is not a HealingGrains deployment name (letters, digits, '.', '_', '-'; at most 100)" 2
}

$inGit = Test-GitWorkTree
$version = $env:HEALINGGRAINS_VERSION
if (-not $version -and $inGit) {
    $version = git describe --tags --always 2>$null
    if ($LASTEXITCODE -ne 0) { $version = $null }
}
if (-not $version -and $env:HEALINGGRAINS_SERVICE) {
    $imageVariable = 'SERVICE_' + $env:HEALINGGRAINS_SERVICE.ToUpperInvariant().Replace('-', '_') + '_IMAGE_NAME'
    $image = [Environment]::GetEnvironmentVariable($imageVariable)
    if ($image) {
        # The tag is what follows the last ':' after the last '/' (a registry host may carry a port).
        $last = $image.Substring($image.LastIndexOf('/') + 1)
        if ($last.Contains(':')) { $version = $last.Substring($last.LastIndexOf(':') + 1) }
    }
}
if (-not $version) { Stop-Hook 'no version: set HEALINGGRAINS_VERSION, run from a git work tree, or set HEALINGGRAINS_SERVICE' 2 }

$commit = @($env:HEALINGGRAINS_COMMIT, $env:GITHUB_SHA, $env:BUILD_SOURCEVERSION) | Where-Object { $_ } | Select-Object -First 1
if (-not $commit -and $inGit) {
    $commit = git rev-parse HEAD 2>$null
    if ($LASTEXITCODE -ne 0) { $commit = $null }
}

$body = [ordered]@{ version = "$version" }
if ($commit) { $body.commit = "$commit" }
$body.deployedAt = [DateTimeOffset]::UtcNow.ToString('yyyy-MM-ddTHH:mm:ssZ', [Globalization.CultureInfo]::InvariantCulture)
$json = $body | ConvertTo-Json -Compress

$endpoint = $url.TrimEnd('/') + "/api/v1/deployments/$deployment/versions"
$attempts = if ($env:HEALINGGRAINS_ATTEMPTS) { [int] $env:HEALINGGRAINS_ATTEMPTS } else { 5 }
$headers = @{ Authorization = "Bearer $key" }

for ($attempt = 1; ; $attempt++) {
    $status = 0
    $retryAfter = $null
    $detail = ''
    try {
        $response = Invoke-WebRequest -Method Post -Uri $endpoint -Headers $headers -ContentType 'application/json' `
            -Body $json -TimeoutSec 30 -SkipHttpErrorCheck
        $status = [int] $response.StatusCode
        $detail = "$($response.Content)"
        if ($response.Headers['Retry-After']) { $retryAfter = "$($response.Headers['Retry-After'])" }
    }
    catch [System.Net.Http.HttpRequestException], [System.Threading.Tasks.TaskCanceledException] {
        $status = 0
        $detail = $_.Exception.Message
    }

    switch ($status) {
        201 {
            $suffix = if ($commit) { " ($commit)" } else { '' }
            Write-Output "healinggrains: registered version $version$suffix of deployment $deployment"
            exit 0
        }
        { $_ -in 0, 429, 503 } {
            # No answer at all is 000, as curl reports it in the bash hook.
            $answer = if ($status -eq 0) { '000' } else { "$status" }
            if ($attempt -ge $attempts) { Stop-Hook "gave up after $attempt attempts: last answer $answer from $endpoint $detail" }
            $wait = 0
            if (-not ($retryAfter -and [int]::TryParse($retryAfter, [ref] $wait))) { $wait = $attempt * 2 }
            $wait = [Math]::Min($wait, 30)
            [Console]::Error.WriteLine("healinggrains: answer $answer, retrying in ${wait}s")
            Start-Sleep -Seconds $wait
            continue
        }
        401 { Stop-Hook 'the ingest key was refused (401): check HEALINGGRAINS_INGEST_KEY' }
        403 { Stop-Hook "the key may not register versions (403): use the tenant's ingest key" }
        404 { Stop-Hook "no deployment '$deployment' in this tenant (404): register it first with PUT /api/v1/deployments/$deployment (admin key)" }
        default {
            $text = if ($detail.Length -gt 2000) { $detail.Substring(0, 2000) } else { $detail }
            Stop-Hook "registration refused ($status): $text"
        }
    }
}
