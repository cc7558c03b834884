#!/usr/bin/env bash
# Debian packages that WeasyPrint and the tests need: install whatever is missing (as root, or with sudo).
set -euo pipefail
need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils chromium nodejs npm; do
  have_pkg "$pkg" || need+=("$pkg")
done
# nodejs/npm may come from elsewhere than Debian: a working `npm` is enough.
if command -v npm >/dev/null 2>&1; then
  need=("${need[@]/nodejs}"); need=("${need[@]/npm}")
fi
pkgs=()
for p in "${need[@]}"; do [ -n "$p" ] && pkgs+=("$p"); done
[ ${#pkgs[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing system packages (install them yourself): ${pkgs[*]}" >&2
  exit 1
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "Installing system packages: ${pkgs[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
