#!/usr/bin/env bash
# Debian packages the app needs outside Python: Pango for WeasyPrint, fonts for the PDFs.
# Installs only what is missing, so it is quick to call on every `make`.
set -euo pipefail
# Noto covers what DejaVu lacks in what the instructor types: emoji, CJK, Indic and other scripts.
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
packages+=(fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji)
packages+=("$@")
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
