#!/usr/bin/env bash
# What the tests need from the operating system: Debian's Chromium for the browser tests, DejaVu
# fonts and Pango for WeasyPrint's PDF documents, poppler's pdftoppm to read a PDF back as an
# image, nginx to run the documented location for protected files. Installed from Debian when
# missing and this user may (root, or sudo without a password); otherwise the run stops before
# any test, naming the one command that installs them.
set -euo pipefail

need=()
chromium="${VECHE_CHROMIUM:-/usr/bin/chromium}"
[ -x "$chromium" ] || command -v chromium >/dev/null || need+=(chromium)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
# The README's nginx location for protected files is run in front of Veche by a test.
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || need+=(nginx-light)

[ ${#need[@]} -eq 0 ] && exit 0

install_cmd="apt-get install -y --no-install-recommends ${need[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "The tests need ${need[*]} from Debian, and this user cannot install them." >&2
  echo "Run, as root:  apt-get update && $install_cmd" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  echo "The tests need ${need[*]}; install them with your system's package manager" \
       "(on Debian: $install_cmd)." >&2
  exit 1
fi
echo "Installing ${need[*]} from Debian"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${need[@]}"
