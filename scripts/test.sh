#!/usr/bin/env bash
# The project's test command (README, and .ci/run on a brand-new machine).
# Installs what it needs: pinned Node 24 (from the npm registry, see scripts/node-env.sh) and the
# locked npm dependencies; then type-checks and runs the unit, mock and simulator tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/node-env.sh
source scripts/node-env.sh
echo "test: node $(node -v), npm $(npm -v)"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --ignore-scripts --no-audit --no-fund
fi
npx tsc -p tsconfig.json --noEmit
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
npx mocha 2>&1 | tee "$log"
passed=$(sed -n 's/^ *\([0-9]\+\) passing.*/\1/p' "$log" | tail -n 1)
failed=$(sed -n 's/^ *\([0-9]\+\) failing.*/\1/p' "$log" | tail -n 1)
pending=$(sed -n 's/^ *\([0-9]\+\) pending.*/\1/p' "$log" | tail -n 1)
echo "tests: ${passed:-0} passed, ${failed:-0} failed${pending:+, $pending skipped}"
