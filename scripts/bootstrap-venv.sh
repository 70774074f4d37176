#!/usr/bin/env bash
# Create the project's virtualenv with Python >= 3.11; on Debian/Ubuntu, install python3-venv if it is missing.
set -euo pipefail
venv="${1:-.venv}"
python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "commune-radio needs Python 3.11 or newer as '$python' (set PYTHON=/path/to/python3.11)." >&2
  exit 1
fi
if ! "$python" -m venv "$venv" 2>/dev/null; then
  rm -rf "$venv"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing Debian's python3-venv (needed to create $venv)…" >&2
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq python3-venv
  "$python" -m venv "$venv"
fi
