#!/usr/bin/env bash
# Build the e2e harness binaries from Go modules (see e2e/README.md).
#
#   e2e/build-tools.sh [--tier1 | --all] [--only NAME[,NAME...]] [--bin-dir] [--check]
#
#   --tier1      etcd, kube-apiserver, kube-controller-manager, kubectl   (enough for cluster-up.sh)
#   --all        tier 1 + pulumi, pulumi-language-nodejs, pulumi-resource-kubernetes (default)
#   --only N,..  just the named binaries
#   --bin-dir    print the bin dir and exit (builds nothing)
#   --check      build nothing; exit 0 if every binary of the selected tier is present, 1 otherwise
#
# Idempotent: binaries go to  ${E2E_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubesphere-ext-e2e}/<hash>/bin
# where <hash> covers the wrapper modules' go.mod/go.sum, the project-written main.go and this script's
# build recipe. A binary already present there is not rebuilt. Each binary is built into a temp name and
# renamed when complete, so an interrupted build never leaves a half-written binary behind.
# The last line on stdout is always the bin dir; progress and timings go to stderr and to
# <hash>/logs/{<name>.log,times.tsv}.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOLS="$E2E_DIR/tools"

# ---- pinned versions (must agree with the wrapper go.mod files) -------------------------------------
KUBE_VERSION=1.37.2                 # k8s.io/kubernetes (staging modules at v0.37.2, replaced in tools/kube/go.mod)
ETCD_VERSION=3.7.3                  # go.etcd.io/etcd/server/v3
PULUMI_VERSION=3.274.1              # github.com/pulumi/pulumi/{pkg,sdk}/v3
LANGHOST_PSEUDO=v3.0.0-20250806165243-bee5e4fa4815   # the only pulumi-language-nodejs/v3 version known to be served
LANGHOST_PULUMI_VERSION=3.188.0     # pkg/sdk version the language host is compiled against (tools/langhost): its own era
K8S_PROVIDER_MODULE=github.com/pulumi/pulumi-kubernetes/provider/v4
K8S_PROVIDER_PSEUDO=v4.0.0-20260115033456-f47bc2d6f199  # = tag v4.25.0, the only served version
K8S_PROVIDER_PLUGIN_VERSION=4.34.2  # the @pulumi/kubernetes npm SDK version the plugin folder must be named after
RECIPE_REV=3                        # bump when a build flag below changes, to force a new cache dir

TIER1=(etcd kube-apiserver kube-controller-manager kubectl)
TIER2=(pulumi pulumi-language-nodejs pulumi-resource-kubernetes)

mode=all only="" print_only=0 check_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --tier1) mode=tier1 ;;
    --all) mode=all ;;
    --only) only="$2"; shift ;;
    --only=*) only="${1#--only=}" ;;
    --bin-dir) print_only=1 ;;
    --check) check_only=1 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "build-tools: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

# ---- cache key ----------------------------------------------------------------------------------------
hash_inputs() {
  (cd "$TOOLS" && find . -name go.mod -o -name go.sum -o -name '*.go' | LC_ALL=C sort | xargs sha256sum)
  printf '%s\n' "$KUBE_VERSION $ETCD_VERSION $PULUMI_VERSION $LANGHOST_PSEUDO $LANGHOST_PULUMI_VERSION $K8S_PROVIDER_PSEUDO" \
    "$K8S_PROVIDER_PLUGIN_VERSION $RECIPE_REV $(go env GOVERSION 2>/dev/null || echo nogo) $(uname -m)"
}
HASH="$(hash_inputs | sha256sum | cut -c1-16)"
CACHE_ROOT="${E2E_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubesphere-ext-e2e}"
OUT="$CACHE_ROOT/$HASH"
BIN="$OUT/bin"
LOGS="$OUT/logs"

if [ "$print_only" = 1 ]; then echo "$BIN"; exit 0; fi

if [ -n "$only" ]; then IFS=, read -r -a WANT <<<"$only"
elif [ "$mode" = tier1 ]; then WANT=("${TIER1[@]}")
else WANT=("${TIER1[@]}" "${TIER2[@]}"); fi

if [ "$check_only" = 1 ]; then
  for b in "${WANT[@]}"; do [ -x "$BIN/$b" ] || { echo "missing: $BIN/$b" >&2; exit 1; }; done
  echo "$BIN"; exit 0
fi

command -v go >/dev/null || { echo "build-tools: go not found on PATH" >&2; exit 1; }
mkdir -p "$BIN" "$LOGS"

export GOTOOLCHAIN=local CGO_ENABLED=0
# pulumi-language-nodejs pseudo-versions have no checksum-database entry on this proxy (404); go.sum pins it.
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi/pulumi/sdk/nodejs"
GOFLAGS="${GOFLAGS:-}"; GOFLAGS="${GOFLAGS//-mod=mod/}"; export GOFLAGS="$GOFLAGS -mod=readonly"

log() { echo "build-tools: $*" >&2; }
# an interrupted run (e.g. `timeout` in CI) leaves no half-written binary; Go's build cache keeps what compiled
trap 'rm -f "$BIN"/.*.tmp.$$' EXIT
trap 'log "interrupted"; exit 130' INT TERM

# build NAME MODULE_DIR GO_BUILD_ARGS...   (last arg is the package)
build() {
  local name="$1" dir="$2"; shift 2
  local dst="$BIN/$name" tmp="$BIN/.$name.tmp.$$" logf="$LOGS/$name.log" t0 t1 rc
  log "building $name (log: $logf)"
  t0=$(date +%s)
  set +e
  (cd "$dir" && if [ -x /usr/bin/time ]; then /usr/bin/time -v go build -trimpath -buildvcs=false -o "$tmp" "$@"
                 else go build -trimpath -buildvcs=false -o "$tmp" "$@"; fi) >"$logf" 2>&1
  rc=$?
  set -e
  t1=$(date +%s)
  if [ $rc -ne 0 ]; then
    rm -f "$tmp"
    log "FAILED $name after $((t1 - t0))s; last lines of $logf:"
    grep -v '^\s' "$logf" | tail -n 15 >&2 || true
    printf '%s\t%s\t%s\tFAILED\t%s\n' "$(date -u +%FT%TZ)" "$name" "$((t1 - t0))" "$HASH" >>"$LOGS/times.tsv"
    return 1
  fi
  mv -f "$tmp" "$dst"
  local size rss
  size=$(stat -c %s "$dst")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$logf" | tail -n1)
  printf '%s\t%s\t%s\tok\tsize=%s\tmaxrss_kb=%s\n' "$(date -u +%FT%TZ)" "$name" "$((t1 - t0))" "$size" "${rss:-?}" >>"$LOGS/times.tsv"
  log "built $name in $((t1 - t0))s ($((size / 1048576)) MiB)"
}

kube_ldflags() {
  local l="-s -w" p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    l="$l -X $p.gitVersion=v$KUBE_VERSION -X $p.gitMajor=${KUBE_VERSION%%.*}"
    l="$l -X $p.gitMinor=$(echo "$KUBE_VERSION" | cut -d. -f2) -X $p.gitTreeState=clean"
    l="$l -X $p.gitCommit=0000000000000000000000000000000000000000 -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  echo "$l"
}

prepare_provider_sources() {
  # upstream's go:embed inputs are generated/gitignored there; copy the committed JSON inputs from the module cache
  local d="$TOOLS/k8s-provider/cmd/provider" src
  [ -s "$d/schema.json" ] && [ -s "$d/terraform-mapping.json" ] && return 0
  src="$(cd "$TOOLS/k8s-provider" && go mod download -json "$K8S_PROVIDER_MODULE@$K8S_PROVIDER_PSEUDO" | sed -n 's/^\s*"Dir": "\(.*\)",*$/\1/p')"
  [ -n "$src" ] && [ -d "$src" ] || { log "cannot locate $K8S_PROVIDER_MODULE@$K8S_PROVIDER_PSEUDO in the module cache"; return 1; }
  cp "$src/cmd/pulumi-resource-kubernetes/schema.json" "$src/cmd/pulumi-resource-kubernetes/terraform-mapping.json" "$d/"
  chmod u+w "$d/schema.json" "$d/terraform-mapping.json"
}

build_one() {
  local name="$1"
  case "$name" in
    etcd)
      build etcd "$TOOLS/etcd" -ldflags "-s -w" go.etcd.io/etcd/server/v3 ;;
    kube-apiserver)
      build kube-apiserver "$TOOLS/kube" -ldflags "$(kube_ldflags)" k8s.io/kubernetes/cmd/kube-apiserver ;;
    kube-controller-manager)
      build kube-controller-manager "$TOOLS/kube" -ldflags "$(kube_ldflags)" k8s.io/kubernetes/cmd/kube-controller-manager ;;
    kubectl)
      build kubectl "$TOOLS/kube" -ldflags "$(kube_ldflags)" k8s.io/kubernetes/cmd/kubectl ;;
    pulumi)
      build pulumi "$TOOLS/pulumi" -tags osusergo,grpcnotrace \
        -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
        github.com/pulumi/pulumi/pkg/v3/cmd/pulumi ;;
    pulumi-language-nodejs)
      # it does not compile against pkg/sdk v3.274.1 (see README), so it has its own wrapper at v3.188.0
      build pulumi-language-nodejs "$TOOLS/langhost" -tags osusergo,grpcnotrace \
        -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$LANGHOST_PULUMI_VERSION" \
        github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 ;;
    pulumi-resource-kubernetes)
      prepare_provider_sources
      build pulumi-resource-kubernetes "$TOOLS/k8s-provider" \
        -ldflags "-s -w -X $K8S_PROVIDER_MODULE/pkg/version.Version=v$K8S_PROVIDER_PLUGIN_VERSION" ./cmd/provider ;;
    *) log "unknown binary $name"; return 2 ;;
  esac
}

failed=()
for b in "${WANT[@]}"; do
  if [ -x "$BIN/$b" ]; then log "$b: present"; continue; fi
  build_one "$b" || failed+=("$b")
done

cat >"$OUT/versions.txt" <<EOF
kube-apiserver/kube-controller-manager/kubectl  k8s.io/kubernetes v$KUBE_VERSION (staging k8s.io/* v0.${KUBE_VERSION#*.})
etcd                    go.etcd.io/etcd/server/v3 v$ETCD_VERSION
pulumi                  github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION (+ sdk/v3 v$PULUMI_VERSION)
pulumi-language-nodejs  github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 $LANGHOST_PSEUDO (built against pkg/sdk v$LANGHOST_PULUMI_VERSION)
pulumi-resource-kubernetes $K8S_PROVIDER_MODULE $K8S_PROVIDER_PSEUDO (tag v4.25.0), plugin folder resource-kubernetes-v$K8S_PROVIDER_PLUGIN_VERSION
go                      $(go env GOVERSION)
EOF

if [ ${#failed[@]} -gt 0 ]; then
  log "failed: ${failed[*]}"
  echo "$BIN"
  exit 1
fi
echo "$BIN"
