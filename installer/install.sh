#!/bin/sh
# Install, upgrade or remove the commune kiosk on a Debian 12+/Ubuntu 22.04+ PC. Run as root:
#   sudo installer/install.sh [--bundle dist/kiosk] [--kiosk-id ID] [--commune NAME]
#   sudo installer/install.sh --upgrade | --uninstall [--purge]
#   installer/install.sh --dry-run ...      (prints every step, changes nothing, no root needed)
# Everything is in installer/linux/kiosk_install.py; this only makes sure python3 is there.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v python3 >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "python3 is missing and only root can install it: run this again with sudo." >&2
        exit 2
    fi
    echo "Installing python3 (the installer is written in Python)..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 || {
        echo "Could not install python3 (no network?). Nothing else was changed." >&2
        exit 2
    }
fi
export DEBIAN_FRONTEND=noninteractive
exec python3 "$here/linux/kiosk_install.py" "$@"
