#!/usr/bin/env bash
# Set up livep2f on Debian 12 (run as root, or with sudo available): the system packages it
# needs, the project's environment in .venv/, and the Python packages. Safe to run twice.
#   ./setup.sh            build side + player core + test tools
set -euo pipefail
cd "$(dirname "$0")"

# System packages: python3-venv to create .venv; git for the editorial workflow.
APT_PACKAGES=(python3-venv git)

missing=()
for package in "${APT_PACKAGES[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get -o DPkg::Lock::Timeout=300 update -q
    $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -q "${missing[@]}"
fi

PYTHON="${PYTHON:-python3}"
"$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e ./player -e '.[dev]'
echo "setup: ok — .venv ready ($(.venv/bin/python --version))"
