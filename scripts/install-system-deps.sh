#!/usr/bin/env bash
# Debian packages the render and browser tests need: LibreOffice, poppler, chromium,
# and free CJK fonts that stand in for the official ones. Installs only what is missing.
set -euo pipefail

packages=()
need() { command -v "$1" >/dev/null 2>&1 || packages+=("$2"); }
need_file() { [ -e "$1" ] || packages+=("$2"); }

need soffice libreoffice-writer-nogui
need pdftotext poppler-utils
need chromium chromium
need fc-match fontconfig
need_file /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc fonts-noto-cjk
need_file /usr/share/fonts/truetype/arphic/ukai.ttc fonts-arphic-ukai
need_file /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf fonts-liberation2
need_file /usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/FandolFang-Regular.otf texlive-lang-chinese

if [ ${#packages[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing Debian packages: ${packages[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
