# Source this file (bash) to run the locally built Pulumi CLI fully offline. See e2e/README.md.
#
#   source e2e/pulumi-env.sh            # needs the tier-2 binaries (e2e/build-tools.sh --all)
#
# Sets: PATH (pulumi + pulumi-language-nodejs first), PULUMI_HOME (isolated, with the kubernetes provider in
# plugins/resource-kubernetes-v<ver>/), PULUMI_BACKEND_URL (file://, local), PULUMI_CONFIG_PASSPHRASE and the
# no-network switches. Override any of: E2E_BIN_DIR, E2E_WORK_DIR, PULUMI_HOME, PULUMI_BACKEND_URL,
# PULUMI_CONFIG_PASSPHRASE (set them before sourcing). Returns non-zero if a binary is missing.
_e2e_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
_e2e_work="${E2E_WORK_DIR:-$_e2e_dir/.work}"
E2E_BIN_DIR="${E2E_BIN_DIR:-$("$_e2e_dir/build-tools.sh" --bin-dir)}"
E2E_K8S_PLUGIN_VERSION="${E2E_K8S_PLUGIN_VERSION:-4.34.2}"   # = the @pulumi/kubernetes npm version in use
export E2E_BIN_DIR E2E_K8S_PLUGIN_VERSION
_e2e_ok=1
for _b in pulumi pulumi-language-nodejs pulumi-resource-kubernetes; do
  [ -x "$E2E_BIN_DIR/$_b" ] || { echo "pulumi-env: $E2E_BIN_DIR/$_b missing (run e2e/build-tools.sh --all)" >&2; _e2e_ok=0; }
done
if [ "$_e2e_ok" = 1 ]; then
  export PULUMI_HOME="${PULUMI_HOME:-$_e2e_work/pulumi-home}"
  _e2e_plugdir="$PULUMI_HOME/plugins/resource-kubernetes-v$E2E_K8S_PLUGIN_VERSION"
  mkdir -p "$_e2e_plugdir"
  ln -sfn "$E2E_BIN_DIR/pulumi-resource-kubernetes" "$_e2e_plugdir/pulumi-resource-kubernetes"
  rm -f "$_e2e_plugdir.partial" "$_e2e_plugdir.lock" 2>/dev/null || true
  if [ -z "${PULUMI_BACKEND_URL:-}" ]; then
    mkdir -p "$_e2e_work/pulumi-state"
    export PULUMI_BACKEND_URL="file://$_e2e_work/pulumi-state"
  fi
  export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-e2e}"
  export PULUMI_SKIP_UPDATE_CHECK=true
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
  export PULUMI_DISABLE_REGISTRY_RESOLVE=true
  export PULUMI_IGNORE_AMBIENT_PLUGINS=true     # the language host is found next to `pulumi`, the provider in PULUMI_HOME
  export PULUMI_SKIP_CONFIRMATIONS=true
  export PULUMI_DIY_BACKEND_NO_LEGACY_WARNING=true
  case ":$PATH:" in *":$E2E_BIN_DIR:"*) ;; *) export PATH="$E2E_BIN_DIR:$PATH" ;; esac
fi
unset _b _e2e_plugdir _e2e_work _e2e_dir
[ "$_e2e_ok" = 1 ]; _e2e_rc=$?; unset _e2e_ok; return $_e2e_rc 2>/dev/null || exit $_e2e_rc
