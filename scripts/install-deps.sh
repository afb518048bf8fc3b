#!/usr/bin/env bash
# Installs the system libraries Vernier builds against (Lua 5.4 for the plugin
# runtime, OpenMPI for distributed evaluation) when they are missing.
# As root it uses apt-get; otherwise it prints the command to run and fails.
set -euo pipefail

packages=(liblua5.4-dev libopenmpi-dev openmpi-bin pkg-config)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Vernier needs: ${missing[*]} (Debian package names). Install them with your package manager." >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Vernier needs these Debian packages: ${missing[*]}" >&2
  echo "Run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing ${missing[*]} ..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
