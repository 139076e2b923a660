#!/usr/bin/env bash
# End-to-end smoke check (see e2e/README.md):
#   1. cluster-up.sh (etcd + kube-apiserver + KubeSphere CRDs + catalog + Clusters), stopped again on exit
#      unless E2E_KEEP_CLUSTER=1
#   2. list ExtensionVersions through the API with curl (client certificate) and with kubectl
#   3. if pulumi, pulumi-language-nodejs and pulumi-resource-kubernetes are built: a tiny Pulumi program
#      (local file backend, no network) that creates a ConfigMap and an InstallPlan CustomResource with
#      @pulumi/kubernetes 4.34.2, checks them through the API, then destroys them.
#      E2E_SMOKE_REQUIRE_PULUMI=1 makes missing tier-2 binaries an error instead of a skip.
# Exit 0 only if every step that ran passed.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$E2E_DIR")"
export E2E_WORK_DIR="${E2E_WORK_DIR:-$E2E_DIR/.work}"
W="$E2E_WORK_DIR"
log() { echo "smoke: $*" >&2; }
fail() { log "FAIL: $*"; exit 1; }

started=0
cleanup() {
  local rc=$?
  if [ "$started" = 1 ] && [ "${E2E_KEEP_CLUSTER:-0}" != 1 ]; then "$E2E_DIR/cluster-down.sh" || true; fi
  if [ $rc -ne 0 ]; then log "failed (rc=$rc); logs in $W/logs"; fi
}
trap cleanup EXIT

T0=$(date +%s)
"$E2E_DIR/cluster-up.sh" >/dev/null
started=1
# shellcheck disable=SC1091
source "$W/cluster.env"
log "cluster up in $(( $(date +%s) - T0 ))s at $E2E_API_SERVER"

# ---- 2. the catalog through the API ------------------------------------------------------------------------
CURL=(curl -sSf --cacert "$E2E_CA_CERT" --cert "$E2E_CLIENT_CERT" --key "$E2E_CLIENT_KEY")
json="$("${CURL[@]}" "$E2E_API_SERVER/apis/kubesphere.io/v1alpha1/extensionversions")"
n_api="$(printf '%s' "$json" | { grep -oE '"kind": ?"ExtensionVersion"' || true; } | wc -l)"
[ "$n_api" -gt 0 ] || fail "no ExtensionVersions returned by $E2E_API_SERVER/apis/kubesphere.io/v1alpha1/extensionversions"
log "API (curl): $n_api ExtensionVersions"
K=("$E2E_KUBECTL" --kubeconfig "$KUBECONFIG")
n_k="$("${K[@]}" get extensionversions.kubesphere.io -o name | wc -l)"
[ "$n_k" = "$n_api" ] || fail "kubectl sees $n_k ExtensionVersions, curl $n_api"
"${K[@]}" get extensionversions.kubesphere.io gatekeeper-1.0.2 >/dev/null || fail "gatekeeper-1.0.2 missing"
rv="$("${K[@]}" get extensions.kubesphere.io gatekeeper -o jsonpath='{.status.recommendedVersion}')"
[ "$rv" = 1.0.2 ] || fail "Extension gatekeeper status.recommendedVersion='$rv', want 1.0.2"
host_ready="$("${K[@]}" get clusters.cluster.kubesphere.io host -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')"
[ "$host_ready" = True ] || fail "Cluster host not Ready"
log "kubectl: $n_k ExtensionVersions, Extension gatekeeper recommends $rv, Cluster host Ready=$host_ready"

# ---- 3. Pulumi, offline ---------------------------------------------------------------------------------------
if ! "$E2E_DIR/build-tools.sh" --check >/dev/null 2>&1; then
  [ "${E2E_SMOKE_REQUIRE_PULUMI:-0}" = 1 ] && fail "tier-2 binaries missing (e2e/build-tools.sh --all)"
  log "SKIP pulumi step: tier-2 binaries not built (e2e/build-tools.sh --all)"
  log "OK (cluster only) in $(( $(date +%s) - T0 ))s"
  exit 0
fi

# Node >= 22 (the project's pinned Node 24 if the machine's is older)
if [ -f "$REPO/scripts/node-env.sh" ]; then
  # shellcheck disable=SC1091
  source "$REPO/scripts/node-env.sh"
fi
P="$W/smoke-pulumi"
rm -rf "$P"; mkdir -p "$P"
export PULUMI_HOME="$W/smoke-pulumi-home" PULUMI_BACKEND_URL="file://$P/state"
mkdir -p "$P/state"
# shellcheck disable=SC1091
source "$E2E_DIR/pulumi-env.sh"

# @pulumi/pulumi + @pulumi/kubernetes: the repo's node_modules (found by Node walking up from e2e/.work/...)
# when it has the pinned versions, else a private install with --ignore-scripts (the @pulumi/kubernetes
# install script would try to download the plugin).
have_ver() { node -e "process.exit(require('$1/package.json').version==='$2'?0:1)" 2>/dev/null; }
prog="$P/program"
mkdir -p "$prog"
if ( cd "$prog" && have_ver @pulumi/pulumi 3.270.0 && have_ver @pulumi/kubernetes 4.34.2 ); then
  log "using the repo's node_modules"
else
  log "installing @pulumi/pulumi@3.270.0 @pulumi/kubernetes@4.34.2 @pulumi/policy@1.21.0 into $W/smoke-deps (npm, --ignore-scripts)"
  mkdir -p "$W/smoke-deps"
  (cd "$W/smoke-deps" && [ -f package.json ] || echo '{"name":"e2e-smoke-deps","private":true}' >package.json
   npm install --ignore-scripts --no-audit --no-fund @pulumi/pulumi@3.270.0 @pulumi/kubernetes@4.34.2 @pulumi/policy@1.21.0 >/dev/null)
  ln -sfn "$W/smoke-deps/node_modules" "$prog/node_modules"
fi

cat >"$prog/Pulumi.yaml" <<'EOF'
name: e2e-smoke
runtime:
  name: nodejs
  options:
    typescript: false
main: index.js
EOF
cat >"$prog/package.json" <<'EOF'
{ "name": "e2e-smoke", "version": "0.0.0", "private": true, "main": "index.js" }
EOF
cat >"$prog/index.js" <<'EOF'
"use strict";
const k8s = require("@pulumi/kubernetes");
const cm = new k8s.core.v1.ConfigMap("smoke-cm", {
  metadata: { name: "e2e-smoke", namespace: "default" },
  data: { hello: "world" },
});
const ip = new k8s.apiextensions.CustomResource("smoke-installplan", {
  apiVersion: "kubesphere.io/v1alpha1",
  kind: "InstallPlan",
  metadata: { name: "e2e-smoke-gatekeeper" },
  spec: { extension: { name: "gatekeeper", version: "1.0.2" }, enabled: false, upgradeStrategy: "Manual" },
});
exports.configMap = cm.metadata.name;
exports.installPlan = ip.metadata.name;
EOF

pul() { (cd "$prog" && pulumi "$@" --non-interactive); }
log "$(pulumi version) / node $(node -v)"
t=$(date +%s)
pul stack init smoke >"$W/logs/pulumi-smoke.log" 2>&1 || { cat "$W/logs/pulumi-smoke.log" >&2; fail "pulumi stack init"; }
pul up --yes --skip-preview >>"$W/logs/pulumi-smoke.log" 2>&1 || { tail -n 40 "$W/logs/pulumi-smoke.log" >&2; fail "pulumi up"; }
log "pulumi up: $(( $(date +%s) - t ))s"
"${K[@]}" get configmap -n default e2e-smoke >/dev/null || fail "ConfigMap e2e-smoke not created"
ext="$("${K[@]}" get installplans.kubesphere.io e2e-smoke-gatekeeper -o jsonpath='{.spec.extension.name}@{.spec.extension.version}')"
[ "$ext" = gatekeeper@1.0.2 ] || fail "InstallPlan e2e-smoke-gatekeeper not created as expected (got '$ext')"
out="$(pul stack output installPlan 2>>"$W/logs/pulumi-smoke.log")"
[ "$out" = e2e-smoke-gatekeeper ] || fail "stack output installPlan='$out'"
log "pulumi up created ConfigMap default/e2e-smoke and InstallPlan e2e-smoke-gatekeeper against kube-apiserver"
# local policy pack (advisory): needs @pulumi/policy resolvable from the pack dir (the repo's devDependency)
pack="$P/policy-pack"; mkdir -p "$pack"
[ -L "$prog/node_modules" ] && ln -sfn "$(readlink "$prog/node_modules")" "$pack/node_modules"
if ( cd "$pack" && node -e 'require.resolve("@pulumi/policy")' >/dev/null 2>&1 ); then
  printf 'runtime:\n  name: nodejs\n  options:\n    typescript: false\nversion: 0.0.1\n' >"$pack/PulumiPolicy.yaml"
  echo '{ "name": "e2e-smoke-policy", "version": "0.0.1", "private": true, "main": "index.js" }' >"$pack/package.json"
  cat >"$pack/index.js" <<'EOF2'
"use strict";
const { PolicyPack } = require("@pulumi/policy");
new PolicyPack("e2e-smoke-policy", {
  policies: [{
    name: "see-installplans", description: "reports every InstallPlan", enforcementLevel: "advisory",
    validateResource: (args, reportViolation) => {
      if (args.type === "kubernetes:kubesphere.io/v1alpha1:InstallPlan") {
        reportViolation("e2e-policy-saw InstallPlan " + args.props.metadata.name);
      }
    },
  }],
});
EOF2
  t=$(date +%s)
  pul preview --policy-pack "$pack" >"$W/logs/pulumi-smoke-policy.log" 2>&1 || { tail -n 40 "$W/logs/pulumi-smoke-policy.log" >&2; fail "pulumi preview --policy-pack"; }
  grep -q 'e2e-policy-saw InstallPlan e2e-smoke-gatekeeper' "$W/logs/pulumi-smoke-policy.log" || { tail -n 40 "$W/logs/pulumi-smoke-policy.log" >&2; fail "policy pack did not report the InstallPlan"; }
  log "pulumi preview --policy-pack: advisory violation reported for the InstallPlan ($(( $(date +%s) - t ))s)"
else
  log "SKIP policy-pack step: @pulumi/policy not resolvable"
fi
t=$(date +%s)
pul preview --expect-no-changes >>"$W/logs/pulumi-smoke.log" 2>&1 || { tail -n 40 "$W/logs/pulumi-smoke.log" >&2; fail "second preview shows changes"; }
pul destroy --yes --skip-preview >>"$W/logs/pulumi-smoke.log" 2>&1 || { tail -n 40 "$W/logs/pulumi-smoke.log" >&2; fail "pulumi destroy"; }
if "${K[@]}" get installplans.kubesphere.io e2e-smoke-gatekeeper >/dev/null 2>&1; then fail "InstallPlan still present after destroy"; fi
pul stack rm --yes smoke >>"$W/logs/pulumi-smoke.log" 2>&1 || true
log "pulumi preview --expect-no-changes + destroy: $(( $(date +%s) - t ))s"
log "OK in $(( $(date +%s) - T0 ))s"
