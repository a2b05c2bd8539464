#!/usr/bin/env bash
# Makes sure Node >= 22.18 is on PATH; installs Node 24 from the npm registry into /usr/local otherwise.
# Usage: source scripts/bootstrap-node.sh  (or bash it, then put /usr/local/bin first on PATH)
set -euo pipefail
export PATH="/usr/local/bin:$PATH"
node_ok() {
  command -v node >/dev/null 2>&1 && node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=18)?0:1)'
}
if ! node_ok; then
  echo "bootstrap: node $(node --version 2>/dev/null || echo none) is too old; installing node@24 into /usr/local"
  npm install -g --prefix /usr/local node@24 --no-fund --no-audit
  hash -r
fi
node_ok || { echo "bootstrap: could not get Node >= 22.18 (have $(node --version 2>/dev/null))" >&2; exit 1; }
echo "bootstrap: node $(node --version), npm $(npm --version 2>/dev/null)"
