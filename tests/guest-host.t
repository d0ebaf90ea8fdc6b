#!/bin/sh
# guest-host.t: the guest test suite, run on this host.
#
# The guest programs are freestanding i386 binaries on raw int $0x80
# system calls; an x86_64 Linux host with IA32 emulation runs them as
# they are.  A modern kernel keys private futexes by (mm, address), so
# the COW tests must pass here (notodo): this checks the tests and the
# runtime themselves, with no 2.5.38 kernel.  FUTEX_FD, gone from modern
# kernels, is skipped.  Not on tests/tap.sh: the TAP is the guest
# runner's own, as in the guest.
set -eu
TOP=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
if ! make -s -C "$TOP/tests/guest" >/dev/null 2>&1; then
	echo "1..0 # SKIP cannot build the guest programs (i686-linux-gnu-gcc?)"
	exit 0
fi
if ! "$TOP/tests/guest/build/init" --list >/dev/null 2>&1; then
	echo "1..0 # SKIP this host cannot run i386 binaries"
	exit 0
fi
# tests= and testargs= are the guest command line's selection and options:
# none of the caller's.
FUTEXTEST_HOST=1 testargs=notodo tests='' exec "$TOP/tests/guest/build/init"
