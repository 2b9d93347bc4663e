#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine, in one command (the README's test command; CI runs it too):
# installs the Debian packages the tests use, Node 24 from the npm registry (into .node24/, when the machine's Node is
# older than 24.9), runs `npm ci`, then `npm test`. Needs root (or sudo) for apt-get the first time only.
set -euo pipefail
cd "$(dirname "$0")/.."

# PostgreSQL (the feedback-store contract suite starts a throwaway server), Chromium (browser test), fonts for the
# chart images, and the delivery linters (yamllint, shellcheck, ansible, ansible-lint, groovy).
PKGS=(postgresql chromium fonts-dejavu-core yamllint shellcheck ansible ansible-lint groovy)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  SUDO=()
  [ "$(id -u)" -eq 0 ] || SUDO=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Node 24 LTS (the machine's own when new enough, else into .node24/).
# shellcheck source=scripts/use-node24.sh
source scripts/use-node24.sh
echo "node $(node --version)"

export SCARF_ANALYTICS=false
npm ci --no-audit --no-fund
npm test
