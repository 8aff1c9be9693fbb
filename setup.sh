#!/usr/bin/env bash
# Set up livep2f on Debian 12 (run as root, or with sudo available): the system packages it
# needs, the project's environment in .venv/, the Python packages and the npm packages.
# Safe to run twice: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")"

APT_PACKAGES=(
    python3-venv git nodejs npm
    # website tests: Debian's Chromium (Playwright drives it; it never downloads a browser),
    # Java for the Nu HTML Checker (vnu-jar)
    chromium default-jre-headless
    # kiosk window tests: a virtual X screen, screenshots, QR decoding, fonts
    xvfb xauth imagemagick zbar-tools fonts-dejavu-core
    # what Qt WebEngine (pywebview's Qt backend) links against
    libegl1 libgl1 libgbm1 libnss3 libasound2 libfontconfig1 libxkbcommon-x11-0 libxcb-cursor0
    libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0
    libxcomposite1 libxdamage1 libxrandr2 libxtst6 libxkbfile1 libpulse0
    # office reports: WeasyPrint's text layout (partner PDFs), pdftotext to read them back in
    # tests, faketime to start real players at a pinned simulated moment in tests; nginx to
    # write a real access log for the QR scans' tests (tests/office/test_arrivals.py)
    libpango-1.0-0 libpangoft2-1.0-0 poppler-utils faketime nginx-light
)

missing=()
for package in "${APT_PACKAGES[@]}"; do
    # nodejs/npm/java may come from elsewhere (nvm, pyenv-like installs): accept the command
    case "$package" in
        nodejs) command -v node >/dev/null && continue ;;
        npm) command -v npm >/dev/null && continue ;;
        default-jre-headless) command -v java >/dev/null && continue ;;
    esac
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get -o DPkg::Lock::Timeout=300 update -q
    $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${missing[@]}"
fi

PYTHON="${PYTHON:-python3}"
"$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e './player[window,nfc,qr]' -e '.[dev]'

# Browser libraries (Leaflet, opening_hours.js) and test tools (axe-core, vnu-jar), pinned
# by package-lock.json; installed here, never copied into the repository.
npm ci --no-audit --no-fund --loglevel=error

echo "setup: ok — .venv ready ($(.venv/bin/python --version)), node_modules ready"
