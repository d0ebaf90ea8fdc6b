#!/bin/sh
# build.t: the in-guest benchmark (tests/bench) still builds, so that
# scripts/bench cannot rot unnoticed: for i386, and for x86_64
# (ARCH=x86_64, with the host's gcc).  No kernel, no QEMU: it only
# compiles the program (and its share of tests/guest/rt) into a scratch
# directory, and checks the result is a static ELF of the right class
# with the profiling hooks.  The benchmark itself is run by "make
# bench", never by "make check".  TAP.
set -eu
TOP=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=../../scripts/lib.sh
. "$TOP/scripts/lib.sh"	# for cleanup_add; it sets TOP from $0: again
TOP=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
tmp=$(mktemp -d)
cleanup_add "$tmp"

# shellcheck source=../tap.sh
. "$TOP/tests/tap.sh"
tap_plan 6

# bench ARCH CC BITS: three test points for the build of ARCH, whose
# compiler is CC; BITS 32 or 64, the ELF class it must have
bench() {
	arch=$1 cc=$2 bits=$3 bin=$tmp/$1/bench
	if ! echo 'int x;' | $cc -c -x c -o /dev/null - 2>/dev/null; then
		for _ in 1 2 3; do
			n=$((n + 1))
			echo "ok $n # SKIP $arch: $cc does not work"
		done
		return
	fi
	if make -s -C "$TOP/tests/bench" ARCH="$arch" O="$tmp/$arch" \
	    >"$tmp/log" 2>&1; then
		ok "tests/bench builds ($arch)"
	else
		not_ok "tests/bench builds ($arch)"
		sed 's/^/#   /' "$tmp/log" | tail -n 20
	fi
	# e_ident[EI_CLASS]: 1 ELFCLASS32, 2 ELFCLASS64
	if [ -f "$bin" ] &&
	    [ "$(od -An -c -N4 "$bin" | tr -d ' ')" = '177ELF' ] &&
	    [ "$(od -An -tu1 -j4 -N1 "$bin" | tr -d ' ')" = $((bits / 32)) ]
	then
		ok "it is a $bits-bit ELF ($arch)"
	else
		not_ok "it is a $bits-bit ELF ($arch)"
	fi
	if [ -f "$bin" ] && command -v nm >/dev/null 2>&1; then
		if nm "$bin" | grep -q ' T prof_on$' &&
		    nm "$bin" | grep -q ' T prof_off$'; then
			ok "it has the profiling hooks prof_on/prof_off ($arch)"
		else
			not_ok "it has the profiling hooks prof_on/prof_off ($arch)"
		fi
	else
		n=$((n + 1))
		echo "ok $n # SKIP no binary or no nm"
	fi
}

# i686-linux-gnu-gcc: Debian's gcc-i686-linux-gnu
bench i386 i686-linux-gnu-gcc 32
bench x86_64 "gcc -m64" 64
[ $failed = 0 ]
