#!/bin/sh
# guest-host.t: the guest test suite, run on this host.
#
# The guest programs are freestanding binaries on raw system calls, for
# an i386 and an x86_64 guest (tests/guest/README).  An x86_64 Linux host
# runs the x86_64 build natively, and the i386 build only with IA32
# emulation.  A modern kernel keys private futexes by (mm, address), so
# the COW tests must pass here (notodo): this checks the tests and the
# runtime themselves, with no 2.5.38 kernel.  FUTEX_FD, gone from modern
# kernels, is skipped.
#
# One runner, exec'd: its TAP is the script's, as in the guest (not on
# tests/tap.sh), and its exit status the number of failures.  The i386
# build when this host can run it (the program the i386 guests boot),
# else the x86_64 build; running both would mean merging two TAP
# streams for no new kernel.  "make -C tests/guest ARCH=x86_64
# host-check" runs the x86_64 build on any x86_64 host.
set -eu
TOP=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
why=
for arch in i386 x86_64; do
	case $arch in
	i386)	init=$TOP/tests/guest/build/init ;;
	*)	init=$TOP/tests/guest/build-$arch/init ;;
	esac
	if ! make -s -C "$TOP/tests/guest" ARCH="$arch" >/dev/null 2>&1; then
		why="$why, $arch: cannot build it"
	elif ! "$init" --list >/dev/null 2>&1; then
		why="$why, $arch: this host cannot run it"
	else
		# tests= and testargs= are the guest command line's
		# selection and options: none of the caller's.
		FUTEXTEST_HOST=1 testargs=notodo tests='' exec "$init"
	fi
done
echo "1..0 # SKIP no guest program runs here (${why#, })"
