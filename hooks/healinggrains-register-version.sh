#!/usr/bin/env bash
# azd postdeploy hook for HealingGrains tenants: registers the version azd just deployed with
# POST /api/v1/deployments/{deployment}/versions, authenticated with the tenant's ingest key.
#
# It reads azd's environment (azd passes the values of `azd env get-values` to every hook):
#   HEALINGGRAINS_URL           required  the HealingGrains address, e.g. https://ca-silo-xyz.<region>.azurecontainerapps.io
#   HEALINGGRAINS_INGEST_KEY    required  the tenant's ingest key (keep it in the environment or a pipeline secret, never in git)
#   HEALINGGRAINS_DEPLOYMENT    optional  the deployment as registered with PUT /api/v1/deployments/{deployment};
#                                         default: AZURE_ENV_NAME
#   HEALINGGRAINS_VERSION       optional  the version; default: `git describe --tags --always` of the working tree, else the
#                                         image tag of HEALINGGRAINS_SERVICE (SERVICE_<NAME>_IMAGE_NAME, set by azd deploy)
#   HEALINGGRAINS_COMMIT        optional  the commit; default: GITHUB_SHA, BUILD_SOURCEVERSION, else `git rev-parse HEAD`
#   HEALINGGRAINS_SERVICE       optional  the azure.yaml service whose image tag stands for the version when there is no git
#
# Exit status: 0 registered; 1 refused or unreachable (the reason on stderr); 2 a required setting is missing.
# A 429 or 503 is retried after the Retry-After the host sends, up to HEALINGGRAINS_ATTEMPTS times (default 5).
set -euo pipefail

fail() { echo "healinggrains: $*" >&2; exit "${2:-1}"; }
fail_usage() { echo "healinggrains: $*" >&2; exit 2; }

url=${HEALINGGRAINS_URL:-}
key=${HEALINGGRAINS_INGEST_KEY:-}
deployment=${HEALINGGRAINS_DEPLOYMENT:-${AZURE_ENV_NAME:-}}
[ -n "$url" ] || fail_usage "HEALINGGRAINS_URL is not set: azd env set HEALINGGRAINS_URL https://<your HealingGrains host>"
[ -n "$key" ] || fail_usage "HEALINGGRAINS_INGEST_KEY is not set: azd env set HEALINGGRAINS_INGEST_KEY <the tenant's ingest key> (or a pipeline secret)"
[ -n "$deployment" ] || fail_usage "neither HEALINGGRAINS_DEPLOYMENT nor AZURE_ENV_NAME is set: azd env set HEALINGGRAINS_DEPLOYMENT <deployment>"
[[ "$deployment" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$ ]] \
  || fail_usage "deployment '$deployment' is not a HealingGrains deployment name (letters, digits, '.', '_', '-'; at most 100)"
command -v curl >/dev/null 2>&1 || fail_usage "curl is required"

in_git() { command -v git >/dev/null 2>&1 && git rev-parse --is-inside-work-tree >/dev/null 2>&1; }

version=${HEALINGGRAINS_VERSION:-}
if [ -z "$version" ] && in_git; then
  version=$(git describe --tags --always 2>/dev/null || true)
fi
if [ -z "$version" ] && [ -n "${HEALINGGRAINS_SERVICE:-}" ]; then
  image_var="SERVICE_$(printf '%s' "$HEALINGGRAINS_SERVICE" | tr '[:lower:]-' '[:upper:]_')_IMAGE_NAME"
  image=${!image_var:-}
  # The tag is what follows the last ':' after the last '/' (a registry host may carry a port).
  [[ "${image##*/}" == *:* ]] && version=${image##*:}
fi
[ -n "$version" ] || fail_usage "no version: set HEALINGGRAINS_VERSION, run from a git work tree, or set HEALINGGRAINS_SERVICE"

commit=${HEALINGGRAINS_COMMIT:-${GITHUB_SHA:-${BUILD_SOURCEVERSION:-}}}
if [ -z "$commit" ] && in_git; then
  commit=$(git rev-parse HEAD 2>/dev/null || true)
fi

json_string() {
  local s=$1 out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case "$c" in
      '"') out+='\"' ;;
      '\') out+='\\' ;;
      *)
        if [[ "$c" < ' ' ]]; then out+=$(printf '\\u%04x' "'$c"); else out+=$c; fi
        ;;
    esac
  done
  printf '"%s"' "$out"
}

body="{\"version\": $(json_string "$version")"
[ -n "$commit" ] && body+=", \"commit\": $(json_string "$commit")"
body+=", \"deployedAt\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\"}"

endpoint="${url%/}/api/v1/deployments/$deployment/versions"
attempts=${HEALINGGRAINS_ATTEMPTS:-5}
response=$(mktemp)
headers=$(mktemp)
trap 'rm -f "$response" "$headers"' EXIT

for ((attempt = 1; ; attempt++)); do
  # The key goes to curl on stdin (its config), so it shows in no process list and no log.
  status=$(printf 'header = "Authorization: Bearer %s"\n' "$key" | curl --silent --show-error --config - \
      --request POST --header 'Content-Type: application/json' --data-binary "$body" \
      --output "$response" --dump-header "$headers" --write-out '%{http_code}' \
      --connect-timeout 10 --max-time 30 "$endpoint") || status=000
  case "$status" in
    201)
      echo "healinggrains: registered version $version${commit:+ ($commit)} of deployment $deployment"
      exit 0
      ;;
    429 | 503 | 000)
      if ((attempt >= attempts)); then
        fail "gave up after $attempt attempts: last answer $status from $endpoint"
      fi
      wait_s=$(sed -n 's/^[Rr]etry-[Aa]fter: *\([0-9]*\).*/\1/p' "$headers" | head -n 1)
      wait_s=${wait_s:-$((attempt * 2))}
      ((wait_s > 30)) && wait_s=30
      echo "healinggrains: answer $status, retrying in ${wait_s}s" >&2
      sleep "$wait_s"
      ;;
    401) fail "the ingest key was refused (401): check HEALINGGRAINS_INGEST_KEY" ;;
    403) fail "the key may not register versions (403): use the tenant's ingest key" ;;
    404) fail "no deployment '$deployment' in this tenant (404): register it first with PUT /api/v1/deployments/$deployment (admin key)" ;;
    *) fail "registration refused ($status): $(head -c 2000 "$response")" ;;
  esac
done
