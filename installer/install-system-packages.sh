#!/bin/sh
# Install the Debian/Ubuntu packages the kiosk needs (installer/debian-packages.txt).
# Does nothing when they are all present, so it is cheap to run before every `make`.
set -eu
here=$(dirname "$0")
pkgs=$(grep -v '^\s*#' "$here/debian-packages.txt" | grep -v '^\s*$' | tr '\n' ' ')
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && { echo "System packages: all present."; exit 0; }
echo "Installing system packages:$missing"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
