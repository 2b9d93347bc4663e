#!/usr/bin/env bash
# The README's quick start on a fresh machine: Node 24 when the machine's is older (into .node24/), `npm ci`, the
# build, then the service on its embedded defaults (local model folder and registry, SQLite feedback store,
# configuration from the environment). Extra arguments go to `node dist/src/main.js`'s environment as usual.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/use-node24.sh
source scripts/use-node24.sh
export SCARF_ANALYTICS=false
npm ci --no-audit --no-fund
npm run build
exec npm start
