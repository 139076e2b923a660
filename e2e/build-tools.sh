#!/usr/bin/env bash
# Build the e2e harness binaries from Go modules (see e2e/README.md).
#
#   e2e/build-tools.sh [--tier1 | --all] [--only NAME[,NAME...]] [--bin-dir] [--check]
#
#   --tier1      etcd, kube-apiserver, kube-controller-manager, kubectl   (enough for cluster-up.sh)
#   --all        tier 1 + pulumi, pulumi-language-nodejs, pulumi-language-yaml, pulumi-resource-kubernetes,
#                pulumi-language-python, pulumi-language-go (these two only generate SDKs: gen-sdk) (default)
#   --only N,..  just the named binaries
#   --bin-dir    print the bin dir and exit (builds nothing; links binaries already built)
#   --check      build nothing; exit 0 if every binary of the selected tier is present, 1 otherwise
#
# Cache, per binary:  <cache>/bins/<name>-<key>/<name>,  <cache> = ${E2E_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubesphere-ext-e2e}
# where <key> covers only that binary's inputs: its wrapper module's go.mod/go.sum/*.go, its recipe line
# (package, tags, ldflags), the common build flags, the Go version and the architecture. Changing one wrapper
# rebuilds only the binaries built from it. The harness gets ONE directory to put on PATH:
# <cache>/sets/<set-key>/bin, hard links to the current binary of every name (hard, not symbolic: `pulumi`
# finds its language hosts next to os.Executable(), which resolves symlinks). A binary already present is
# not rebuilt; binaries built by the old one-hash layout (<cache>/<hash>/bin) are adopted when every input
# they were built from is unchanged. Each binary is built into a temp name and renamed when complete, so an
# interrupted build never leaves a half-written binary behind. The last line on stdout is always the bin dir;
# progress goes to stderr, per-binary logs to <cache>/bins/<name>-<key>/build.log, timings to <cache>/times.tsv.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOLS="$E2E_DIR/tools"

# ---- pinned versions (must agree with the wrapper go.mod files) -------------------------------------
KUBE_VERSION=1.37.2                 # k8s.io/kubernetes (staging modules at v0.37.2, replaced in tools/kube/go.mod)
ETCD_VERSION=3.7.3                  # go.etcd.io/etcd/server/v3
PULUMI_VERSION=3.274.1              # github.com/pulumi/pulumi/{pkg,sdk}/v3
LANGHOST_PSEUDO=v3.0.0-20250806165243-bee5e4fa4815   # the only pulumi-language-nodejs/v3 version known to be served
LANGHOST_PULUMI_VERSION=3.188.0     # pkg/sdk version the language host is compiled against (tools/langhost): its own era
YAML_VERSION=1.25.0                 # github.com/pulumi/pulumi-yaml (tools/yaml), at its own pins (pkg/sdk v3.206.0)
K8S_PROVIDER_MODULE=github.com/pulumi/pulumi-kubernetes/provider/v4
K8S_PROVIDER_PSEUDO=v4.0.0-20260115033456-f47bc2d6f199  # = tag v4.25.0, the only served version
K8S_PROVIDER_PLUGIN_VERSION=4.34.2  # the @pulumi/kubernetes npm SDK version the plugin folder must be named after
BIN_RECIPE_REV=1                    # bump only for a build change the recipes below do not show (e.g. env)
COMMON_FLAGS="CGO_ENABLED=0 go build -trimpath -buildvcs=false -mod=readonly"

TIER1=(etcd kube-apiserver kube-controller-manager kubectl)
TIER2=(pulumi pulumi-language-nodejs pulumi-language-yaml pulumi-resource-kubernetes)
SDKGEN=(pulumi-language-python pulumi-language-go)   # `pulumi package gen-sdk --language python|go` asks these hosts
ALL=("${TIER1[@]}" "${TIER2[@]}" "${SDKGEN[@]}")

mode=all only="" print_only=0 check_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --tier1) mode=tier1 ;;
    --all) mode=all ;;
    --only) only="$2"; shift ;;
    --only=*) only="${1#--only=}" ;;
    --bin-dir) print_only=1 ;;
    --check) check_only=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "build-tools: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

log() { echo "build-tools: $*" >&2; }

kube_ldflags() {
  local l="-s -w" p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    l="$l -X $p.gitVersion=v$KUBE_VERSION -X $p.gitMajor=${KUBE_VERSION%%.*}"
    l="$l -X $p.gitMinor=$(echo "$KUBE_VERSION" | cut -d. -f2) -X $p.gitTreeState=clean"
    l="$l -X $p.gitCommit=0000000000000000000000000000000000000000 -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  echo "$l"
}

# recipe NAME: sets R_DIR (wrapper module) and R_ARGS (go build arguments; the last one is the package).
recipe() {
  case "$1" in
    etcd) R_DIR="$TOOLS/etcd"; R_ARGS=(-ldflags "-s -w" go.etcd.io/etcd/server/v3) ;;
    kube-apiserver) R_DIR="$TOOLS/kube"; R_ARGS=(-ldflags "$(kube_ldflags)" k8s.io/kubernetes/cmd/kube-apiserver) ;;
    kube-controller-manager) R_DIR="$TOOLS/kube"; R_ARGS=(-ldflags "$(kube_ldflags)" k8s.io/kubernetes/cmd/kube-controller-manager) ;;
    kubectl) R_DIR="$TOOLS/kube"; R_ARGS=(-ldflags "$(kube_ldflags)" k8s.io/kubernetes/cmd/kubectl) ;;
    pulumi)
      R_DIR="$TOOLS/pulumi"
      R_ARGS=(-tags osusergo,grpcnotrace -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"
              github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) ;;
    pulumi-language-nodejs)
      # it does not compile against pkg/sdk v3.274.1 (see README), so it has its own wrapper at v3.188.0
      R_DIR="$TOOLS/langhost"
      R_ARGS=(-tags osusergo,grpcnotrace -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$LANGHOST_PULUMI_VERSION"
              github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) ;;
    pulumi-language-python|pulumi-language-go)
      # same served pseudo-version and pkg/sdk v3.188.0 as the Node.js host, in their own wrapper (tools/sdkgen)
      R_DIR="$TOOLS/sdkgen"
      local pkg=github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3
      [ "$1" = pulumi-language-go ] && pkg=github.com/pulumi/pulumi/sdk/go/pulumi-language-go/v3
      R_ARGS=(-tags osusergo,grpcnotrace -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$LANGHOST_PULUMI_VERSION"
              "$pkg") ;;
    pulumi-language-yaml)
      # upstream's goreleaser flags; its own wrapper so its pkg/sdk pins (v3.206.0) touch no other binary
      R_DIR="$TOOLS/yaml"
      R_ARGS=(-ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=v$YAML_VERSION"
              github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml) ;;
    pulumi-resource-kubernetes)
      R_DIR="$TOOLS/k8s-provider"
      R_ARGS=(-ldflags "-s -w -X $K8S_PROVIDER_MODULE/pkg/version.Version=v$K8S_PROVIDER_PLUGIN_VERSION" ./cmd/provider) ;;
    *) return 2 ;;
  esac
}

GO_ID="$(go env GOVERSION 2>/dev/null || echo nogo) $(uname -m)"
# key NAME: 16 hex over exactly the inputs of that binary
key() {
  recipe "$1"
  { (cd "$R_DIR" && find . -name go.mod -o -name go.sum -o -name '*.go' | LC_ALL=C sort | xargs sha256sum)
    printf '%s\n' "name=$1" "args=${R_ARGS[*]}" "common=$COMMON_FLAGS" "go=$GO_ID" "rev=$BIN_RECIPE_REV"
  } | sha256sum | cut -c1-16
}

CACHE_ROOT="${E2E_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubesphere-ext-e2e}"
declare -A KEY
set_inputs=""
for b in "${ALL[@]}"; do KEY[$b]="$(key "$b")"; set_inputs+="$b ${KEY[$b]}"$'\n'; done
SET_KEY="$(printf '%s' "$set_inputs" | sha256sum | cut -c1-16)"
BIN="$CACHE_ROOT/sets/$SET_KEY/bin"
binpath() { echo "$CACHE_ROOT/bins/$1-${KEY[$1]}/$1"; }

# ---- the old layout: <cache>/<hash>/bin, one hash over every wrapper module ----------------------------
# Its binaries are adopted when that hash, recomputed from today's inputs, names an existing dir (so every
# wrapper module, pin, the Go version and arch are unchanged) AND the binary's recipe is still the one the
# old script used (sha of its argument line below). Delete this section once no such caches remain.
legacy_dir() {
  local h
  h="$( { (cd "$TOOLS" && find ./etcd ./kube ./pulumi ./langhost ./k8s-provider -name go.mod -o -name go.sum -o -name '*.go' \
            | LC_ALL=C sort | xargs sha256sum)
          printf '%s\n' "$KUBE_VERSION $ETCD_VERSION $PULUMI_VERSION $LANGHOST_PSEUDO $LANGHOST_PULUMI_VERSION $K8S_PROVIDER_PSEUDO" \
            "$K8S_PROVIDER_PLUGIN_VERSION 3 $GO_ID"; } | sha256sum | cut -c1-16)"
  echo "$CACHE_ROOT/$h/bin"
}
legacy_recipe_ok() {
  local want
  case "$1" in
    etcd) want=51e20bd353446d63 ;; kube-apiserver) want=be1fc46e3251d953 ;; kube-controller-manager) want=1640cde611b6739c ;;
    kubectl) want=20c77eb16d5d6eb9 ;; pulumi) want=7d5d4b7f5e5b212f ;; pulumi-language-nodejs) want=de2bb08ed412c3fa ;;
    pulumi-resource-kubernetes) want=166c53adb756c9c9 ;; *) return 1 ;;
  esac
  recipe "$1"
  [ "$(printf '%s\n' "${R_ARGS[*]}" | sha256sum | cut -c1-16)" = "$want" ]
}
adopt_legacy() {
  local name="$1" old dst
  old="$(legacy_dir)/$name"; dst="$(binpath "$name")"
  [ -x "$old" ] && legacy_recipe_ok "$name" || return 1
  mkdir -p "$(dirname "$dst")"
  if ! ln -f "$old" "$dst" 2>/dev/null; then cp -p "$old" "$dst.tmp.$$" && mv -f "$dst.tmp.$$" "$dst"; fi
  log "$name: adopted from $(dirname "$old")"
}

# link NAME into the set dir when built (hard link; copy across file systems)
link() {
  local src dst="$BIN/$1"
  src="$(binpath "$1")"
  [ -x "$src" ] || return 0
  [ "$dst" -ef "$src" ] && return 0
  mkdir -p "$BIN"
  ln -f "$src" "$dst.tmp.$$" 2>/dev/null || cp -p "$src" "$dst.tmp.$$"
  mv -f "$dst.tmp.$$" "$dst"
}
link_present() { local b; for b in "${ALL[@]}"; do [ -x "$(binpath "$b")" ] || adopt_legacy "$b" || true; link "$b"; done; }

if [ "$print_only" = 1 ]; then link_present; echo "$BIN"; exit 0; fi

if [ -n "$only" ]; then IFS=, read -r -a WANT <<<"$only"
elif [ "$mode" = tier1 ]; then WANT=("${TIER1[@]}")
else WANT=("${ALL[@]}"); fi
for b in "${WANT[@]}"; do [ -n "${KEY[$b]:-}" ] || { log "unknown binary $b (known: ${ALL[*]})"; exit 2; }; done

if [ "$check_only" = 1 ]; then
  link_present
  for b in "${WANT[@]}"; do [ -x "$BIN/$b" ] || { echo "missing: $BIN/$b" >&2; exit 1; }; done
  echo "$BIN"; exit 0
fi

command -v go >/dev/null || { echo "build-tools: go not found on PATH" >&2; exit 1; }
mkdir -p "$BIN"

export GOTOOLCHAIN=local CGO_ENABLED=0
# pulumi-language-nodejs pseudo-versions have no checksum-database entry on this proxy (404); go.sum pins it.
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi/pulumi/sdk/nodejs,github.com/pulumi/pulumi/sdk/python,github.com/pulumi/pulumi/sdk/go/pulumi-language-go"
GOFLAGS="${GOFLAGS:-}"; GOFLAGS="${GOFLAGS//-mod=mod/}"; export GOFLAGS="$GOFLAGS -mod=readonly"

# an interrupted run (e.g. `timeout` in CI) leaves no half-written binary; Go's build cache keeps what compiled
trap 'rm -f "$CACHE_ROOT"/bins/*/.*.tmp.$$ "$BIN"/*.tmp.$$' EXIT
trap 'log "interrupted"; exit 130' INT TERM

prepare_provider_sources() {
  # upstream's go:embed inputs are generated/gitignored there; copy the committed JSON inputs from the module cache
  local d="$TOOLS/k8s-provider/cmd/provider" src
  [ -s "$d/schema.json" ] && [ -s "$d/terraform-mapping.json" ] && return 0
  src="$(cd "$TOOLS/k8s-provider" && go mod download -json "$K8S_PROVIDER_MODULE@$K8S_PROVIDER_PSEUDO" | sed -n 's/^\s*"Dir": "\(.*\)",*$/\1/p')"
  [ -n "$src" ] && [ -d "$src" ] || { log "cannot locate $K8S_PROVIDER_MODULE@$K8S_PROVIDER_PSEUDO in the module cache"; return 1; }
  cp "$src/cmd/pulumi-resource-kubernetes/schema.json" "$src/cmd/pulumi-resource-kubernetes/terraform-mapping.json" "$d/"
  chmod u+w "$d/schema.json" "$d/terraform-mapping.json"
}

# build NAME: go build of its recipe into bins/<name>-<key>/<name>
build() {
  local name="$1" dst dir tmp logf t0 t1 rc size rss
  dst="$(binpath "$name")"; dir="$(dirname "$dst")"; tmp="$dir/.$name.tmp.$$"; logf="$dir/build.log"
  [ "$name" = pulumi-resource-kubernetes ] && { prepare_provider_sources || return 1; }
  recipe "$name"
  mkdir -p "$dir"
  log "building $name (log: $logf)"
  t0=$(date +%s)
  set +e
  (cd "$R_DIR" && if [ -x /usr/bin/time ]; then /usr/bin/time -v go build -trimpath -buildvcs=false -o "$tmp" "${R_ARGS[@]}"
                  else go build -trimpath -buildvcs=false -o "$tmp" "${R_ARGS[@]}"; fi) >"$logf" 2>&1
  rc=$?
  set -e
  t1=$(date +%s)
  if [ $rc -ne 0 ]; then
    rm -f "$tmp"
    log "FAILED $name after $((t1 - t0))s; last lines of $logf:"
    grep -v '^\s' "$logf" | tail -n 15 >&2 || true
    printf '%s\t%s\t%s\tFAILED\t%s\n' "$(date -u +%FT%TZ)" "$name" "$((t1 - t0))" "${KEY[$name]}" >>"$CACHE_ROOT/times.tsv"
    return 1
  fi
  mv -f "$tmp" "$dst"
  size=$(stat -c %s "$dst")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$logf" | tail -n1)
  printf '%s\t%s\t%s\tok\tsize=%s\tmaxrss_kb=%s\tkey=%s\n' "$(date -u +%FT%TZ)" "$name" "$((t1 - t0))" "$size" "${rss:-?}" "${KEY[$name]}" \
    >>"$CACHE_ROOT/times.tsv"
  log "built $name in $((t1 - t0))s ($((size / 1048576)) MiB)"
}

failed=()
for b in "${WANT[@]}"; do
  if [ -x "$(binpath "$b")" ] || adopt_legacy "$b"; then log "$b: present"
  else build "$b" || { failed+=("$b"); continue; }; fi
  link "$b"
done
link_present

cat >"$(dirname "$BIN")/versions.txt" <<VERSIONS
kube-apiserver/kube-controller-manager/kubectl  k8s.io/kubernetes v$KUBE_VERSION (staging k8s.io/* v0.${KUBE_VERSION#*.})
etcd                    go.etcd.io/etcd/server/v3 v$ETCD_VERSION
pulumi                  github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION (+ sdk/v3 v$PULUMI_VERSION)
pulumi-language-nodejs  github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 $LANGHOST_PSEUDO (built against pkg/sdk v$LANGHOST_PULUMI_VERSION)
pulumi-language-yaml    github.com/pulumi/pulumi-yaml v$YAML_VERSION (at its own pins)
pulumi-language-python/-go  github.com/pulumi/pulumi/sdk/{python/cmd/pulumi-language-python,go/pulumi-language-go}/v3 $LANGHOST_PSEUDO (pkg/sdk v$LANGHOST_PULUMI_VERSION)
pulumi-resource-kubernetes $K8S_PROVIDER_MODULE $K8S_PROVIDER_PSEUDO (tag v4.25.0), plugin folder resource-kubernetes-v$K8S_PROVIDER_PLUGIN_VERSION
go                      $GO_ID
keys                    $(for b in "${ALL[@]}"; do printf '%s=%s ' "$b" "${KEY[$b]}"; done)
VERSIONS

if [ ${#failed[@]} -gt 0 ]; then
  log "failed: ${failed[*]}"
  echo "$BIN"
  exit 1
fi
echo "$BIN"
