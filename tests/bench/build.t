#!/bin/sh
# build.t: the in-guest benchmark (tests/bench) still builds, so that
# scripts/bench cannot rot unnoticed.  No kernel, no QEMU: it only
# compiles the program (and its share of tests/guest/rt) into a scratch
# directory, and checks the result is a static i386 ELF with the
# profiling hooks.  The benchmark itself is run by "make bench", never
# by "make check".  TAP.
set -eu
TOP=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=../../scripts/lib.sh
. "$TOP/scripts/lib.sh"	# for cleanup_add; it sets TOP from $0: again
TOP=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
tmp=$(mktemp -d)
cleanup_add "$tmp"

if ! echo 'int x;' | i686-linux-gnu-gcc -c -x c -o /dev/null - 2>/dev/null; then
	echo "1..0 # SKIP i686-linux-gnu-gcc does not work (gcc-i686-linux-gnu)"
	exit 0
fi
# shellcheck source=../tap.sh
. "$TOP/tests/tap.sh"
echo "1..3"
if make -s -C "$TOP/tests/bench" O="$tmp/build" >"$tmp/log" 2>&1; then
	ok "tests/bench builds"
else
	not_ok "tests/bench builds"
	sed 's/^/#   /' "$tmp/log" | tail -n 20
fi
bin=$tmp/build/bench
if [ -f "$bin" ] && [ "$(od -An -c -N4 "$bin" | tr -d ' ')" = '177ELF' ] &&
    [ "$(od -An -tu1 -j4 -N1 "$bin" | tr -d ' ')" = 1 ]; then
	ok "it is a 32-bit ELF"
else
	not_ok "it is a 32-bit ELF"
fi
if [ -f "$bin" ] && command -v nm >/dev/null 2>&1; then
	if nm "$bin" | grep -q ' T prof_on$' && nm "$bin" | grep -q ' T prof_off$'
	then
		ok "it has the profiling hooks prof_on/prof_off"
	else
		not_ok "it has the profiling hooks prof_on/prof_off"
	fi
else
	n=$((n + 1))
	echo "ok $n # SKIP no binary or no nm"
fi
[ $failed = 0 ]
