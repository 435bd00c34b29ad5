#!/usr/bin/env bash
# Install libketsim from a build and the Python and R packages built on it.
#
#   scripts/install_packages.sh BUILD_DIR [--prefix DIR] [--python-target DIR]
#                               [--r-library DIR] [--python PY]...
#
# --prefix: where libketsim goes (cmake --install; default /usr/local).  The
#   packages link against that copy and record its directory as their run
#   path.
# --python-target DIR / --r-library DIR: install the packages there (for
#   tests) instead of the interpreters' own site directories.
# --python PY: the interpreter(s) to install for.  Default: Debian's
#   /usr/bin/python3, whose python3-numpy and python3-pandas the package
#   uses, and the `python3` first on PATH when that is another interpreter.
#   An interpreter of the same version without numpy and pandas of its own
#   (such as a pyenv build) is given Debian's through a .pth file in its
#   site directory (debian-dist-packages.pth, which adds Debian's
#   dist-packages after the interpreter's own), since no other copy of them
#   can be installed offline.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: install_packages.sh BUILD_DIR [--prefix DIR] [--python-target DIR] [--r-library DIR] [--python PY]...}
shift
prefix=/usr/local
py_target=""
r_library=""
pythons=()
while [ $# -gt 0 ]; do
    case $1 in
    --prefix) prefix=$2; shift 2 ;;
    --python-target) py_target=$2; shift 2 ;;
    --r-library) r_library=$2; shift 2 ;;
    --python) pythons+=("$2"); shift 2 ;;
    *) echo "install_packages.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
done

cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:PATH=//p' "$build/CMakeCache.txt")
pcdir=$prefix/${libdir:-lib}/pkgconfig
[ -f "$pcdir/ketsim.pc" ] || { echo "install_packages.sh: no $pcdir/ketsim.pc after the install" >&2; exit 1; }
export PKG_CONFIG_PATH=$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}

# Builds happen in scratch copies, so the source tree keeps no build files.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

has_numpy_pandas() { "$1" -c 'import numpy, pandas' >/dev/null 2>&1; }
py_version() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])'; }

site_dir() { "$1" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'; }

# Let an interpreter without numpy and pandas use Debian's, when Debian's
# Python is the same version (the compiled modules are then compatible).
# The .pth file holds an import line that adds Debian's directory as a site
# directory, after the interpreter's own, so that its .pth files (libsbml's,
# for one) are read as Debian's Python reads them.
bridge_debian() {
    local py=$1 deb=/usr/bin/python3 dist
    [ -x "$deb" ] && has_numpy_pandas "$deb" || return 1
    [ "$(py_version "$py")" = "$(py_version "$deb")" ] || return 1
    dist=$("$deb" -c 'import numpy, os; print(os.path.dirname(os.path.dirname(numpy.__file__)))')
    {
        echo "# Debian's python3-numpy, python3-pandas, ... for this interpreter (written by ketsim's scripts/install_packages.sh)"
        echo "import site; site.addsitedir('$dist')"
    } >"$(site_dir "$py")/debian-dist-packages.pth"
    has_numpy_pandas "$py"
}

install_python() {
    local py=$1
    # a bridge written before is written again (this script may have changed it)
    if [ -f "$(site_dir "$py")/debian-dist-packages.pth" ] || ! has_numpy_pandas "$py"; then
        if ! bridge_debian "$py"; then
            echo "ketsim: skipped the Python package for $py (no numpy and pandas; Debian: python3-numpy python3-pandas)" >&2
            return 0
        fi
    fi
    rm -rf "$work/python" && cp -r "$src/python" "$work/python"
    rm -rf "$work/python/build" "$work/python"/*.egg-info
    local where=(--break-system-packages)
    [ -n "$py_target" ] && where=(--target "$py_target")
    PIP_BREAK_SYSTEM_PACKAGES=1 "$py" -m pip install -q --disable-pip-version-check --root-user-action=ignore \
        --no-build-isolation --no-deps --no-index --upgrade "${where[@]}" "$work/python"
    echo "ketsim: Python package installed for $py${py_target:+ into $py_target}"
}

if [ ${#pythons[@]} -eq 0 ]; then
    [ -x /usr/bin/python3 ] && pythons+=(/usr/bin/python3)
    if command -v python3 >/dev/null; then
        first=$(python3 -c 'import sys; print(sys.executable)')
        deb=$( [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import sys; print(sys.executable)' || true)
        [ "$first" != "$deb" ] && pythons+=("$first")
    fi
fi
for py in "${pythons[@]}"; do
    install_python "$py"
done

rm -rf "$work/r" && mkdir -p "$work/r" && cp -r "$src/r/ketsim" "$work/r/ketsim"
R CMD INSTALL ${r_library:+--library="$r_library"} "$work/r/ketsim" >"$work/r/install.log" 2>&1 ||
    { cat "$work/r/install.log" >&2; exit 1; }
echo "ketsim: R package installed${r_library:+ into $r_library}"
