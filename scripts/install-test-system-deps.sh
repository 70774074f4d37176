#!/usr/bin/env bash
# Debian packages the tests need: Chromium for the browser test, PortAudio for the sound-card path, Icecast 2
# for the stream push test and bench/fanout.py.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
ldconfig -p | grep -q 'libportaudio\.so\.2' || missing+=(libportaudio2)
command -v icecast2 >/dev/null 2>&1 || missing+=(icecast2)
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing Debian packages for the tests: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
