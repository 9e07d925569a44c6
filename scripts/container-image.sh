#!/usr/bin/env bash
# Proves that `dotnet publish -t:PublishContainer` turns the host into a container image archive with no Docker daemon,
# as azd does when it deploys (azd pushes to the registry instead of an archive, on Microsoft's ASP.NET base image).
# This machine cannot reach mcr.microsoft.com, so the base image is made here: the runtime's native dependencies from
# Debian's packages (glibc, libstdc++, OpenSSL, zlib, CA certificates) and a non-root user, served by a registry on
# loopback; the host is published self-contained on top. Usage: scripts/container-image.sh [output-directory]
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-artifacts/container}")
work=$(mktemp -d)
registry_pid=
cleanup() {
  [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

missing=()
for tool in docker-registry skopeo umoci; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "== base image from Debian packages"
mkdir -p "$work/debs" "$work/rootfs"
(cd "$work/debs" && apt-get download -qq libc6 libgcc-s1 libstdc++6 libssl3 zlib1g ca-certificates >/dev/null)
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$work/rootfs"; done
mkdir -p "$work/rootfs/tmp" "$work/rootfs/app" "$work/rootfs/home/app" "$work/rootfs/etc/ssl/certs"
chmod 1777 "$work/rootfs/tmp"
cp /etc/ssl/certs/ca-certificates.crt "$work/rootfs/etc/ssl/certs/" 2>/dev/null || true
printf 'root:x:0:0:root:/root:/sbin/nologin\napp:x:1654:1654:app:/home/app:/sbin/nologin\n' >"$work/rootfs/etc/passwd"
printf 'root:x:0:\napp:x:1654:\n' >"$work/rootfs/etc/group"
(
  cd "$work"
  umoci init --layout oci
  umoci new --image oci:base
  umoci unpack --rootless --image oci:base bundle >/dev/null
  cp -a rootfs/. bundle/rootfs/
  umoci repack --image oci:base bundle
  umoci config --image oci:base --config.user 1654 --config.workingdir /app \
    --config.env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt --architecture amd64 --os linux
)

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s/registry\nhttp:\n  addr: 127.0.0.1:%s\n' "$work" "$port" >"$work/registry.yml"
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 1 40); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.25; done
base="127.0.0.1:$port/healinggrains/runtime-deps:bookworm"
skopeo copy -q --dest-tls-verify=false "oci:$work/oci:base" "docker://$base"

echo "== dotnet publish -t:PublishContainer (no Docker daemon)"
rm -rf "$out"
mkdir -p "$out"
DOTNET_CONTAINER_INSECURE_REGISTRIES="127.0.0.1:$port" dotnet publish src/HealingGrains.Silo -c Release -r linux-x64 --self-contained \
  -t:PublishContainer -p:ContainerBaseImage="$base" -p:ContainerRepository=healinggrains-silo \
  -p:ContainerArchiveOutputPath="$out/healinggrains-silo.tar.gz" -o "$work/publish" -nologo -clp:ErrorsOnly

echo "== the archive holds an image whose entry point is the host"
python3 - "$out/healinggrains-silo.tar.gz" <<'PY'
import json, sys, tarfile
with tarfile.open(sys.argv[1]) as archive:
    read = lambda name: archive.extractfile(name).read()
    blob = lambda digest: read("blobs/" + digest.replace(":", "/"))
    manifest = json.loads(blob(json.loads(read("index.json"))["manifests"][0]["digest"]))
    config = json.loads(blob(manifest["config"]["digest"]))["config"]
    files = set()
    for layer in manifest["layers"]:
        with tarfile.open(fileobj=__import__("io").BytesIO(blob(layer["digest"]))) as t:
            files.update(n.lstrip("./") for n in t.getnames())
assert config["Entrypoint"] == ["/app/HealingGrains.Silo"], config
assert str(config.get("User")) == "1654", config
for needed in ["app/HealingGrains.Silo", "app/HealingGrains.Silo.dll", "app/HealingGrains.Storage.dll", "usr/lib/x86_64-linux-gnu/libssl.so.3"]:
    assert needed in files, needed
print(f"image ok: entry point {config['Entrypoint'][0]}, user {config['User']}, {len(files)} files in {len(manifest['layers'])} layers")
PY
