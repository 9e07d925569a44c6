#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need, builds, runs every test project and the
# public-contract smoke check against a real host process, and ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

passed=0 failed=0 skipped=0
finish() {
  echo "$passed passed, $failed failed, $skipped skipped"
  [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
  exit $?
}

# What the tests need beyond the .NET SDK, from Debian's packages: python3 and curl (contract smoke check) and
# Chromium (the portal's browser tests drive /usr/bin/chromium with Playwright), redis-server (clustering of the
# multi-silo test). The tests start and stop Redis and Azurite themselves, on loopback.
missing=()
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v curl >/dev/null 2>&1 || missing+=(curl)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >/dev/null; then
    echo "could not install ${missing[*]} (run as root, or install them first)"
    failed=1
    finish
  fi
fi

# Azurite (the Azure Table and Queue storage emulator) from npm, for the row store's contract tests on the Azure backend
# and the durable stream's tests.
if [ ! -x .tools/azurite/node_modules/.bin/azurite-table ]; then
  echo "== installing azurite 3.37.0 (npm) under .tools/azurite"
  mkdir -p .tools/azurite
  if ! (cd .tools/azurite && npm install --no-audit --no-fund --silent azurite@3.37.0 >/dev/null); then
    echo "could not install azurite from npm"
    failed=1
    finish
  fi
fi

# PowerShell 7 as a .NET tool from NuGet, to run the tenants' PowerShell azd hook (hooks/*.ps1) in the infra tests.
if [ ! -x .tools/pwsh/pwsh ]; then
  echo "== installing PowerShell 7.6.9 (dotnet tool) under .tools/pwsh"
  if ! dotnet tool install --tool-path .tools/pwsh PowerShell --version 7.6.9 >/dev/null; then
    echo "could not install PowerShell (dotnet tool install --tool-path .tools/pwsh PowerShell --version 7.6.9)"
    failed=1
    finish
  fi
fi

echo "== build"
if ! dotnet build HealingGrains.sln -c Release -nologo -clp:ErrorsOnly; then
  echo "build failed"
  failed=1
  finish
fi

echo "== tests"
dotnet test HealingGrains.sln -c Release --no-build -nologo --logger trx --results-directory "$results"
test_exit=$?

for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  total=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
  ok=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  bad=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${ok:-0}))
  failed=$((failed + ${bad:-0}))
  skipped=$((skipped + ${total:-0} - ${ok:-0} - ${bad:-0}))
done
if [ "$test_exit" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $test_exit without a failed test: a test host crashed or a project did not run"
  failed=$((failed + 1))
fi

echo "== container image: dotnet publish -t:PublishContainer to an archive, no Docker daemon (scripts/container-image.sh)"
if ./scripts/container-image.sh "$root/artifacts/container" >"$results/container-image.log" 2>&1; then
  passed=$((passed + 1))
  tail -n 1 "$results/container-image.log"
else
  echo "container image build failed; log: $results/container-image.log"
  tail -n 40 "$results/container-image.log"
  failed=$((failed + 1))
fi

echo "== contract smoke check against a running host (../shared/checks/contract_smoke.py, skeleton and loop)"
smoke="$root/../shared/checks/contract_smoke.py"
if [ ! -f "$smoke" ]; then
  echo "missing $smoke: the contract check lives in the steering repository's shared/ folder beside this clone"
  failed=$((failed + 1))
  finish
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
data=$(mktemp -d)
port=$(free_port)
log="$results/smoke-host.log"
Kestrel__Endpoints__Http__Url="http://127.0.0.1:$port" \
HealingGrains__DataDirectory="$data" \
HealingGrains__Clustering__SiloPort=$(free_port) \
HealingGrains__Clustering__GatewayPort=$(free_port) \
  dotnet src/HealingGrains.Silo/bin/Release/net10.0/HealingGrains.Silo.dll >"$log" 2>&1 &
host_pid=$!
for _ in $(seq 1 120); do
  if curl -fs "http://127.0.0.1:$port/openapi/v1.json" >/dev/null 2>&1 && [ -s "$data/operator.key" ]; then break; fi
  sleep 0.5
done
if python3 "$smoke" --url "http://127.0.0.1:$port" --operator-key "$(cat "$data/operator.key" 2>/dev/null)"; then
  passed=$((passed + 1))
else
  echo "contract smoke check failed; host log: $log"
  tail -n 40 "$log"
  failed=$((failed + 1))
fi
kill "$host_pid" 2>/dev/null
wait "$host_pid" 2>/dev/null
rm -rf "$data"

finish
