#!/usr/bin/env bash
# Debian packages the project needs, installed only where missing.
#   install-system-deps.sh fonts   the free CJK font charts are drawn with (every build)
#   install-system-deps.sh         everything: LibreOffice, poppler and chromium for the
#                                  render and browser tests, and the fonts standing in for
#                                  the official ones
set -euo pipefail

packages=()
need() { command -v "$1" >/dev/null 2>&1 || packages+=("$2"); }
need_file() { [ -e "$1" ] || packages+=("$2"); }

need_file /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc fonts-noto-cjk
if [ "${1:-all}" != "fonts" ]; then
need soffice libreoffice-writer-nogui
# Calc reads the 填报表 in the workbook test (xlsx → CSV), as the people filling it in do
need_file /usr/lib/libreoffice/program/libsclo.so libreoffice-calc-nogui
need pdftotext poppler-utils
need chromium chromium
need fc-match fontconfig
need_file /usr/share/fonts/truetype/arphic/ukai.ttc fonts-arphic-ukai
need_file /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf fonts-liberation2
need_file /usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/FandolFang-Regular.otf texlive-lang-chinese
fi

if [ ${#packages[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing Debian packages: ${packages[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
