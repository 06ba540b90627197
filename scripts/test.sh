#!/usr/bin/env bash
# Installs the test dependencies (a virtualenv from requirements-dev.txt and, when running as
# root, Debian's Chromium for the real-browser tests, a CJK font, which the PDF tests need just
# as a deployment does (see the README's deployment note), and LibreOffice and poppler-utils,
# which render the real corpus into the PDFs and texts people receive, and nginx-light for the
# deployment test, tests/deploy) and runs the whole suite.
# Renderings are cached in ~/.cache/gongkai/renderings between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
for pkg in fonts-noto-cjk libreoffice-writer-nogui poppler-utils; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi
python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
exec .venv/bin/python -m pytest -q "$@"
