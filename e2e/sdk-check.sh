#!/usr/bin/env bash
# Generated SDKs for Python and Go build and import (issue 11).
#
#   e2e/sdk-check.sh [PACKAGE_DIR]        (default: this repository)
#
# 1. `pulumi package gen-sdk PACKAGE_DIR --language python|go`, offline: the engine installs the package as a
#    source plugin (npm install + its `prepare` build in PACKAGE_DIR) and the package's own provider serves the
#    schema; the built pulumi-language-python / pulumi-language-go hosts generate the code.
# 2. Go: a go.mod beside the generated package (module path taken from the generated imports) requiring
#    github.com/pulumi/pulumi/sdk/v3 from the Go module proxy, `go build ./...` of the SDK plus a small program
#    that declares two extensions through it (`go vet` too).
# 3. Python: a venv under the e2e cache with `pulumi` from PyPI, `pip install` of the generated SDK, and
#    `import pulumi_kubesphere` with both component classes present.
# 4. Both SDKs mark `kubeconfig` secret.
#
# Runs outside the repository (a temp dir): any `pulumi package ...` command whose working directory is inside
# the repository root stops at "detected both PulumiPlugin.yaml and Pulumi.yaml" (e2e/PLUGIN-NOTES.md).
# Needs `e2e/build-tools.sh --all`. Exit 0 = all checks passed. E2E_REQUIRED=1 makes missing binaries an error.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PKG="$(cd "${1:-$REPO}" && pwd)"
SDK_GO_PULUMI_VERSION="${SDK_GO_PULUMI_VERSION:-3.274.1}"   # = the CLI's sdk/v3: shares the Go build cache
SDK_PY_PULUMI_VERSION="${SDK_PY_PULUMI_VERSION:-3.272.0}"   # newest final `pulumi` release on PyPI (2026-12-05)

cd "$REPO"
# shellcheck source=scripts/node-env.sh
source scripts/node-env.sh >/dev/null   # the package's provider runs on Node 24
say() { printf 'sdk-check: %s\n' "$*"; }
fail() { printf 'sdk-check: FAILED: %s\n' "$*" >&2; exit 1; }
problems=()
problem() { printf 'sdk-check: FAILED: %s\n' "$*" >&2; problems+=("$*"); }   # keeps checking the other SDK
t0=$(date +%s)
elapsed() { echo "$(( $(date +%s) - t0 ))s"; }

BIN="$(e2e/build-tools.sh --bin-dir | tail -n 1)"
for b in pulumi pulumi-language-nodejs pulumi-language-python pulumi-language-go pulumi-resource-kubernetes; do
  if [ ! -x "$BIN/$b" ]; then
    [ "${E2E_REQUIRED:-0}" = 1 ] && fail "$BIN/$b is not built (run e2e/build-tools.sh --all)"
    say "SKIPPED: $BIN/$b is not built (run e2e/build-tools.sh --all)"; exit 0
  fi
done
install -m 0755 e2e/shims/pulumi-language-python-exec "$BIN/pulumi-language-python-exec"

CACHE_ROOT="${E2E_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubesphere-ext-e2e}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/kubesphere-sdk-check.XXXXXX")"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$WORK"' EXIT
export E2E_BIN_DIR="$BIN" E2E_WORK_DIR="$WORK"
# shellcheck source=e2e/pulumi-env.sh
source e2e/pulumi-env.sh   # offline switches, PULUMI_HOME with the Kubernetes provider the package requires
cd "$WORK"

# ---- 1. generate ----------------------------------------------------------------------------------------
for lang in python go; do
  s=$(date +%s)
  if ! pulumi package gen-sdk "$PKG" --language "$lang" --out "$WORK/sdk" >"$WORK/gen-$lang.log" 2>&1; then
    tail -n 30 "$WORK/gen-$lang.log" >&2
    fail "pulumi package gen-sdk $PKG --language $lang"
  fi
  say "gen-sdk --language $lang: $(( $(date +%s) - s ))s"
done

# ---- 2. Go --------------------------------------------------------------------------------------------
GO_SDK="$WORK/sdk/go"
pkgdir="$(find "$GO_SDK" -mindepth 1 -maxdepth 1 -type d | head -n 1)"
[ -n "$pkgdir" ] || fail "no Go package generated under $GO_SDK"
pkgname="$(basename "$pkgdir")"
import_base="$(grep -rhoE '"[^"]+/internal"' "$pkgdir"/*.go | head -n 1 | tr -d '"')"
import_base="${import_base%/internal}"
[ -n "$import_base" ] && [ "${import_base##*/}" = "$pkgname" ] || fail "cannot derive the Go module path (import base '$import_base', dir $pkgname)"
module="${import_base%/"$pkgname"}"
mkdir -p "$GO_SDK/example"
cat >"$GO_SDK/example/main.go" <<GO
// Declares the quickstart's two extensions through the generated Go SDK (compiled, not run).
package main

import (
	"$import_base"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		telemetry, err := $pkgname.NewKubeSphereExtension(ctx, "whizard-telemetry", &$pkgname.KubeSphereExtensionArgs{
			Name: pulumi.String("whizard-telemetry"), Version: pulumi.String("1.2.2"),
		})
		if err != nil {
			return err
		}
		monitoring, err := $pkgname.NewKubeSphereExtension(ctx, "whizard-monitoring", &$pkgname.KubeSphereExtensionArgs{
			Name: pulumi.String("whizard-monitoring"), Version: pulumi.String("1.1.1"),
			Config: pulumi.Map{"kube-prometheus-stack": pulumi.Map{"prometheus": pulumi.Map{"prometheusSpec": pulumi.Map{"retention": pulumi.String("15d")}}}},
		}, pulumi.DependsOn([]pulumi.Resource{telemetry}))
		if err != nil {
			return err
		}
		ctx.Export("monitoringVersion", monitoring.InstalledVersion)
		return nil
	})
}
GO
(
  cd "$GO_SDK"
  export GOTOOLCHAIN=local GOFLAGS="-mod=mod" CGO_ENABLED=0
  printf 'module %s\n\ngo 1.24\n\nrequire github.com/pulumi/pulumi/sdk/v3 v%s\n' "$module" "$SDK_GO_PULUMI_VERSION" >go.mod
  s=$(date +%s)
  go mod tidy >"$WORK/go-tidy.log" 2>&1 || { tail -n 20 "$WORK/go-tidy.log" >&2; exit 1; }
  grep -q "github.com/pulumi/pulumi/sdk/v3 v$SDK_GO_PULUMI_VERSION" go.mod || { echo "go mod tidy moved sdk/v3 off v$SDK_GO_PULUMI_VERSION" >&2; exit 1; }
  go build -trimpath ./... >"$WORK/go-build.log" 2>&1 || { cat "$WORK/go-build.log" >&2; exit 1; }
  go vet ./... >"$WORK/go-vet.log" 2>&1 || { cat "$WORK/go-vet.log" >&2; exit 1; }
  echo "sdk-check: Go SDK ($module, sdk/v3 v$SDK_GO_PULUMI_VERSION): go build + go vet ./... ok in $(( $(date +%s) - s ))s"
) || problem "the generated Go SDK does not build"

# ---- 3. Python -----------------------------------------------------------------------------------------
PY="$(command -v python3 || true)"
[ -n "$PY" ] || fail "python3 not found"
pyver="$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
VENV="$CACHE_ROOT/sdk-check/venv-py$pyver-pulumi$SDK_PY_PULUMI_VERSION"
s=$(date +%s)
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import pulumi" 2>/dev/null; then
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "pulumi==$SDK_PY_PULUMI_VERSION" >"$WORK/pip-pulumi.log" 2>&1 \
    || { tail -n 20 "$WORK/pip-pulumi.log" >&2; rm -rf "$VENV"; fail "pip install pulumi==$SDK_PY_PULUMI_VERSION"; }
fi
# the SDK (and its own requirements) into the cached venv, removed again afterwards: never a stale copy
"$VENV/bin/pip" uninstall --quiet --yes pulumi_kubesphere >/dev/null 2>&1 || true
"$VENV/bin/pip" install --quiet --disable-pip-version-check "$WORK/sdk/python" \
  >"$WORK/pip-sdk.log" 2>&1 || { tail -n 20 "$WORK/pip-sdk.log" >&2; problem "pip install of the generated Python SDK"; }
"$VENV/bin/python" - <<'PYCODE' || problem "import pulumi_kubesphere"   # cwd is $WORK
import pulumi_kubesphere as k
import importlib.metadata
import pulumi
missing = [c for c in ("KubeSphereExtension", "KubeSphereExtensionSet") if not hasattr(k, c)]
assert not missing, f"pulumi_kubesphere lacks {missing}"
assert "site-packages" in k.__file__, k.__file__   # the installed distribution, not a source dir
print(f"sdk-check: Python SDK: import pulumi_kubesphere ok (KubeSphereExtension, KubeSphereExtensionSet; pulumi {importlib.metadata.version('pulumi')})")
PYCODE
"$VENV/bin/pip" uninstall --quiet --yes pulumi_kubesphere >/dev/null 2>&1 || true
say "Python venv + install + import: $(( $(date +%s) - s ))s"

# ---- 4. kubeconfig is secret in both SDKs ----------------------------------------------------------------
grep -rq 'ToSecret(args.Kubeconfig)' "$pkgdir" || problem "Go SDK does not mark kubeconfig secret"
grep -rq 'pulumi.Output.secret(kubeconfig)' "$WORK/sdk/python" || problem "Python SDK does not mark kubeconfig secret"

if [ ${#problems[@]} -gt 0 ]; then
  say "${#problems[@]} problem(s) after $(elapsed):"; printf '  - %s\n' "${problems[@]}"; exit 1
fi
say "kubeconfig is secret in the Go and Python SDKs"
say "OK in $(elapsed)"
