#!/usr/bin/env bash
# Makes sure Node >= 22.18 is first on PATH; installs Node 24 from the npm registry into /usr/local otherwise.
# Usage: source scripts/bootstrap-node.sh          (CI: the rest of the script sees the right Node)
#        bash scripts/bootstrap-node.sh CMD ARGS...  (npm scripts: CMD runs with that Node first on PATH)
# npm runs each lifecycle script in its own shell, so a PATH set in `preinstall` is gone by `prepare`; hence
# every npm script that runs TypeScript goes through the second form instead of trusting the caller's PATH.
set -euo pipefail
export PATH="/usr/local/bin:$PATH"
node_ok() {
  command -v node >/dev/null 2>&1 && node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=18)?0:1)'
}
if ! node_ok; then
  echo "bootstrap: node $(node --version 2>/dev/null || echo none) is too old; installing node@24 into /usr/local" >&2
  npm install -g --prefix /usr/local node@24 --no-fund --no-audit >&2 || true
  hash -r
fi
if ! node_ok; then
  echo "bootstrap: could not get Node >= 22.18 (have $(node --version 2>/dev/null || echo none) at $(command -v node || echo nowhere))." >&2
  echo "bootstrap: install Node 24 (e.g. 'nvm install 24' or 'sudo npm install -g --prefix /usr/local node@24'), put it first on PATH, and run the command again." >&2
  exit 1
fi
if [ $# -gt 0 ]; then
  exec "$@"
fi
echo "bootstrap: node $(node --version), npm $(npm --version 2>/dev/null)"
