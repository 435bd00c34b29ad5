#!/usr/bin/env bash
# The Python package's tests (python/tests) against the copy install.sh put
# in WORK/python.  usage: pytest.sh SOURCE_DIR WORK_DIR
set -euo pipefail
src=$1 work=$2
cd "$work"
PYTHONPATH=$work/python exec "$(cat "$work/python_exe")" -m pytest -p no:cacheprovider -q "$src/python/tests"
