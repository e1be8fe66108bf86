#!/usr/bin/env bash
# Installs what the tests need from Debian and a fresh machine lacks: Chromium for the browser and e2e tests
# (no npm package may download a browser here) and python3-h5py/numpy for the HDF5 interoperability checks.
set -euo pipefail
missing=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
/usr/bin/python3 -c 'import h5py, numpy' >/dev/null 2>&1 || missing+=(python3-h5py python3-numpy)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing from Debian: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "Need root (or sudo) to run: apt-get install -y ${missing[*]}" >&2; exit 1
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
