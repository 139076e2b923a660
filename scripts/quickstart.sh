#!/usr/bin/env bash
# The main job: `pulumi up` of examples/quickstart against a local KubeSphere host.
#
# 1. Provides Node 24 (scripts/node-env.sh) and installs/builds the package.
# 2. Builds etcd, kube-apiserver, the Pulumi CLI, its Node.js language host and the Kubernetes
#    provider from Go modules (e2e/build-tools.sh; cached — the first build takes a long while).
# 3. Starts etcd + kube-apiserver on loopback with the KubeSphere CRDs, the v4.1.3 catalog fixture,
#    Cluster objects, and the KubeSphere controller simulator (e2e/cluster-up.sh).
# 4. Runs `pulumi preview` and `pulumi up` of examples/quickstart with a local file backend, shows the
#    outputs and the InstallPlans, then stops exactly the processes it started.
#
# KEEP=1 leaves the cluster running (stop it with e2e/cluster-down.sh).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
# shellcheck source=scripts/node-env.sh
source scripts/node-env.sh
say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

say "Installing and building the package (Node $(node -v))"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --ignore-scripts --no-audit --no-fund
fi
npm run --silent build
(cd examples/quickstart && npm install --ignore-scripts --no-audit --no-fund --silent)

say "Building the local toolchain from Go modules (cached; a cold build takes tens of minutes)"
if ! command -v go >/dev/null 2>&1; then
  echo "quickstart: Go >= 1.26 is needed to build kube-apiserver and the Pulumi CLI from Go modules." >&2
  echo "            Offline instead: npx kubesphere-ext plan whizard-monitoring@1.1.1 --catalog ../shared/kubesphere/catalog --ks-version v4.1.3 --kube-version v1.30.4 --declare whizard-telemetry@1.2.2" >&2
  exit 1
fi
# only what this TypeScript quickstart runs (--all adds the YAML, Python and Go language hosts for the e2e tests)
E2E_BIN_DIR="$(e2e/build-tools.sh --only etcd,kube-apiserver,kube-controller-manager,kubectl,pulumi,pulumi-language-nodejs,pulumi-resource-kubernetes | tail -n 1)"
export E2E_BIN_DIR
# Pulumi's bundled dynamic-provider plugin is a shell shim in its release archive; it sits next to `pulumi`.
install -m 0755 e2e/shims/pulumi-resource-pulumi-nodejs "$E2E_BIN_DIR/pulumi-resource-pulumi-nodejs"

say "Starting etcd + kube-apiserver with the KubeSphere CRDs, catalog and controller simulator"
export E2E_WORK_DIR="${E2E_WORK_DIR:-$REPO/e2e/.work/quickstart}"
e2e/cluster-down.sh >/dev/null 2>&1 || true
export E2E_SIMULATOR_CMD="exec node bin/simulator/main.js --kubeconfig \"\$KUBECONFIG\" --time-scale 0.25"
export E2E_SIMULATOR_READY_REGEX="${E2E_SIMULATOR_READY_REGEX:-watching}"
e2e/cluster-up.sh
[ "${KEEP:-0}" = 1 ] || trap '"$REPO/e2e/cluster-down.sh" >/dev/null 2>&1 || true' EXIT
export KUBECONFIG="$E2E_WORK_DIR/kubeconfig"
# shellcheck source=e2e/pulumi-env.sh
source e2e/pulumi-env.sh

cd examples/quickstart
export PULUMI_BACKEND_URL="file://$E2E_WORK_DIR/pulumi-state"
mkdir -p "$E2E_WORK_DIR/pulumi-state"
pulumi stack rm --yes --force dev --non-interactive >/dev/null 2>&1 || true
pulumi stack init dev --non-interactive >/dev/null

say "pulumi preview — resolves both extensions against the cluster's catalog; nothing is written"
pulumi preview --non-interactive
say "pulumi up — applies whizard-telemetry, waits until it is Installed, then whizard-monitoring"
pulumi up --yes --non-interactive --skip-preview
say "Stack outputs"
pulumi stack output
say "InstallPlans in the cluster"
"$E2E_BIN_DIR/kubectl" get installplans.kubesphere.io -o custom-columns=NAME:.metadata.name,VERSION:.spec.extension.version,STATE:.status.state,JOB:.status.jobName

cat <<'TXT'

What happened:
  * At preview, each extension was resolved against the cluster's ExtensionVersions: the version exists,
    KubeSphere v4.1.3 and Kubernetes satisfy its ksVersion/kubeVersion, and whizard-monitoring's required
    dependency whizard-telemetry >= 1.2.1-0 is a member of the same KubeSphereExtensionSet, so it is ordered first.
  * On up, each InstallPlan was written (named after its extension, exact version, upgradeStrategy Manual),
    and the component followed status.state until the controller reported exactly that version and
    configHash Installed — whizard-monitoring was only written once whizard-telemetry was ready.
  * The controller here is the project's KubeSphere controller simulator (simulator/), running the real
    state machine against a real kube-apiserver; with your own cluster, run `pulumi up` in examples/quickstart.
TXT
