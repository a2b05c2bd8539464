#!/usr/bin/env bash
# Makes sure Debian's chromium is at /usr/bin/chromium for the browser tests (about 65 s to install);
# never downloads a browser from anywhere else. Fails loudly when it cannot be installed.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present)"; exit 0; fi
echo "chromium: installing Debian's package"
export DEBIAN_FRONTEND=noninteractive
sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
sudo_if_needed apt-get update -qq
sudo_if_needed apt-get install -y -qq chromium >/dev/null
/usr/bin/chromium --version
