"""Build the ketsim._core extension against an installed libketsim.

The compiler and linker flags come from pkg-config (ketsim.pc, installed
with the library; set PKG_CONFIG_PATH=PREFIX/lib/pkgconfig for a private
prefix).  The extension records the library's directory as its run path, so
it loads the libketsim it was built against without LD_LIBRARY_PATH.
"""
import os
import shlex
import subprocess

from setuptools import Extension, setup


def pkg_config(*args):
    try:
        out = subprocess.run(["pkg-config", *args], check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        detail = getattr(e, "stderr", "") or str(e)
        raise SystemExit("ketsim: libketsim not found by pkg-config (install it with "
                         "`cmake --install build --prefix PREFIX` and set "
                         "PKG_CONFIG_PATH=PREFIX/lib/pkgconfig): " + detail.strip())
    return shlex.split(out)


cflags = pkg_config("--cflags", "ketsim", "gsl")
libs = pkg_config("--libs", "ketsim", "gsl")
libdir = os.path.realpath(pkg_config("--variable=libdir", "ketsim")[0])
# The installed copy of the data, for when the source tree the library was
# built from (its compiled-in data directory) is gone.
datadir = os.path.realpath(pkg_config("--variable=datadir", "ketsim")[0])

core = Extension(
    "ketsim._core",
    sources=["ketsim/_core.c"],
    include_dirs=[f[2:] for f in cflags if f.startswith("-I")],
    extra_compile_args=[f for f in cflags if not f.startswith("-I")] + ["-std=c11", "-Wall", "-Wextra", "-Werror"],
    library_dirs=[f[2:] for f in libs if f.startswith("-L")],
    libraries=[f[2:] for f in libs if f.startswith("-l")],
    extra_link_args=[f for f in libs if not f.startswith(("-L", "-l"))],
    runtime_library_dirs=[libdir],
    define_macros=[("KETSIM_INSTALLED_DATA_DIR", '"%s"' % datadir.replace("\\", "\\\\").replace('"', '\\"'))],
)

setup(ext_modules=[core])
