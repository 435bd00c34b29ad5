#!/usr/bin/env bash
# R CMD check of the R package, as its docs say it passes: built from a
# scratch copy against the libketsim install.sh put in WORK/prefix, no
# manual (no LaTeX), Suggests not forced, and no CRAN repository (offline:
# an empty local one, so that nothing is looked up).  Fails on any ERROR,
# WARNING or NOTE, or when the C file does not compile cleanly with the
# project's warnings.  usage: r_check.sh SOURCE_DIR WORK_DIR BUILD_DIR
set -euo pipefail
src=$1 work=$2 build=$3
libdir=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:PATH=//p' "$build/CMakeCache.txt")
export PKG_CONFIG_PATH=$work/prefix/${libdir:-lib}/pkgconfig
check=$work/r_check
rm -rf "$check" && mkdir -p "$check/repo/src/contrib"
: >"$check/repo/src/contrib/PACKAGES"
echo "options(repos = c(local = 'file://$check/repo'))" >"$check/Rprofile"
export R_PROFILE_USER=$check/Rprofile _R_CHECK_FORCE_SUGGESTS_=false
export R_LIBS=$work/r
# R compiles with its own flags; the C file must also pass the project's
# (-Wall -Wextra -Werror), as the Python extension's setup.py asks.
${CC:-cc} -std=c11 -Wall -Wextra -Werror -fsyntax-only -I"$(R RHOME)/include" $(R CMD config --cppflags) \
    $(pkg-config --cflags ketsim gsl) "$src/r/ketsim/src/ketsim_r.c"
cp -r "$src/r/ketsim" "$check/ketsim"
cd "$check"
R CMD build ketsim >build.log 2>&1 || { cat build.log; exit 1; }
rc=0
R CMD check --no-manual ketsim_*.tar.gz >check.log 2>&1 || rc=$?
grep -E '^\* checking .*\.\.\. (NOTE|WARNING|ERROR)' -A8 check.log || true
tail -n 3 check.log
[ "$rc" -eq 0 ] && grep -qx 'Status: OK' check.log
