#!/usr/bin/env bash
# Installs the Debian packages awsval needs, if any is missing. Safe to run again.
set -euo pipefail
pkgs=(cmake make gcc pkg-config libpcre2-dev libutf8proc-dev libcriterion-dev libjansson-dev zlib1g-dev "$@")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
