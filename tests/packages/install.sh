#!/usr/bin/env bash
# ctest fixture of the package tests: libketsim from this build into
# WORK/prefix, the Python package into WORK/python and the R package into
# WORK/r, none of it touching the system's copies.  WORK/python_exe names
# the interpreter the Python tests use: the first of $KETSIM_PYTHON, python3
# and /usr/bin/python3 that has numpy, pandas and pytest.
#
# usage: install.sh BUILD_DIR SOURCE_DIR WORK_DIR
set -euo pipefail
build=$1 src=$2 work=$3
rm -rf "$work"
mkdir -p "$work/python" "$work/r"
py=""
for cand in ${KETSIM_PYTHON:-} python3 /usr/bin/python3; do
    if command -v "$cand" >/dev/null && "$cand" -c 'import numpy, pandas, pytest' 2>/dev/null; then
        py=$("$cand" -c 'import sys; print(sys.executable)')
        break
    fi
done
if [ -z "$py" ]; then
    echo "FAIL: no Python with numpy, pandas and pytest (Debian: python3-numpy python3-pandas python3-pytest; scripts/setup.sh installs them)"
    exit 1
fi
command -v R >/dev/null || { echo "FAIL: R not found (Debian: r-base-dev; scripts/setup.sh installs it)"; exit 1; }
echo "$py" >"$work/python_exe"
bash "$src/scripts/install_packages.sh" "$build" --prefix "$work/prefix" --python-target "$work/python" \
    --r-library "$work/r" --python "$py"
