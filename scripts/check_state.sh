#!/usr/bin/env bash
# Fail when the library holds mutable process-wide state, a static or global
# variable, thread-local or not, anywhere in libketsim.  Two callers of the
# library in one process (two threads, or a program and a plug-in) must not
# see each other through it; anything a call needs lives in the objects the
# caller passes.  The check reads the compiled archive, so it sees what the
# compiler kept, whatever the spelling in the source: writable data sections
# (.data, .bss, their thread-local twins and common symbols) must hold no
# variable at all.
# Constant tables holding pointers go to .data.rel.ro, which is read-only
# once relocated, and pass.  The CLI is not in the library and keeps its
# SIGINT flag (src/cli/interrupt.h).
#
# usage: check_state.sh LIBKETSIM.a
set -euo pipefail
lib=${1:?usage: check_state.sh LIBKETSIM.a}
found=$(objdump -t "$lib" | awk '
    /file format/ { obj = $1; sub(/:$/, "", obj) }
    # symbol lines: VALUE FLAGS... SECTION SIZE NAME; section symbols (flag d) skipped
    NF >= 5 && ($(NF - 2) ~ /^\.(t?data|t?bss)(\.|$)/ || $(NF - 2) == "*COM*") &&
        $(NF - 2) !~ /^\.data\.rel\.ro/ && $0 !~ / d  / &&
        # the sanitizers and coverage add bookkeeping of their own
        $NF !~ /^(__odr_asan|__asan_|__ubsan_|__sancov_|__llvm_|__gcov)/ {
        print "  " obj ": " $NF " (" $(NF - 2) ")"
    }')
# Process-wide settings are the application's to make (src/cli/main.c makes
# them for the CLI): the error handler of GSL, signal handlers, the locale,
# the environment, exit hooks.  MPI starts and stops only in the explicit
# ketsim_dist_init / ketsim_dist_finalize (src/util/dist.c).
settings='gsl_set_error_handler|gsl_set_error_handler_off|gsl_set_stream_handler|signal|sigaction|sigprocmask|setlocale|setenv|putenv|unsetenv|atexit|at_quick_exit|umask|chdir|srand|fesetround|feenableexcept'
calls=$(nm -A -u "$lib" | awk -v re="^($settings|MPI_Init|MPI_Init_thread|MPI_Finalize)$" '
    { name = $NF; obj = $1; sub(/:[^:]*$/, "", obj); sub(/^.*:/, "", obj) }
    name ~ re && !(obj == "dist.c.o" && name ~ /^MPI_/) { print "  " obj ": " name }')
status=0
if [ -n "$found" ]; then
    echo "mutable static or global variables in the library:"
    echo "$found"
    echo "pass the state in through the caller's objects, or make it const"
    status=1
fi
if [ -n "$calls" ]; then
    echo "library code changing process-wide settings:"
    echo "$calls"
    echo "leave them to the application (src/cli/main.c) or an explicit init call"
    status=1
fi
[ "$status" -eq 0 ] && echo "no mutable static or global variable and no process-wide setting in $(basename "$lib")"
exit "$status"
