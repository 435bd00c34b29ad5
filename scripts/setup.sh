#!/usr/bin/env bash
# Install what ketsim needs on Debian 12 (run as root), then configure and
# build into ./build (or $1), and install libketsim with the Python and R
# packages built on it (scripts/install_packages.sh; not for sanitizer or
# fuzzing builds, nor with KETSIM_NO_PACKAGES=1).  Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each feature lists its packages in scripts/packages.d/*.txt ('#' comments).
pkgs=$(sed -e 's/#.*//' scripts/packages.d/*.txt | tr -s ' \n' ' ')
missing=$(for p in $pkgs; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq $missing >/dev/null
fi
build=${1:-build}
shift || true
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
# An instrumented library cannot be loaded by an ordinary interpreter, so
# only an ordinary build becomes the installed packages.
if [ -z "${KETSIM_NO_PACKAGES:-}" ] && ! grep -qE '^KETSIM_(SANITIZE|FUZZ):BOOL=ON' "$build/CMakeCache.txt"; then
    scripts/install_packages.sh "$build" >/dev/null
fi
