#!/bin/sh
# build.t: tests/userspace builds, and links what it must.  No kernel,
# no QEMU (this host runs no i386 program): the programs run in the
# guest, as its us_* tests (tests/guest/tests/userspace.h).  Checks, in
# a scratch build directory:
#
#   - the adapter, adapter_check and posix_repro build with static
#     musl, and Linux's futex selftests too when linux-source-6.1 is
#     installed (scripts/get-selftests);
#   - each program is a static 32-bit i386 ELF whose __sysinfo points
#     at the adapter's entry, and whose every "int $0x80" is in a
#     function listed here with the reason it may bypass the adapter;
#   - the guest's table, the Makefile, posix_repro's cases and
#     tests/expected-failures agree (every selftest of the source is run
#     or skipped with a reason; every userspace_bug test has its
#     expected failure).
#
# Without i386-linux-musl-gcc (Debian musl:i386, musl-dev:i386): SKIP,
# loudly.  TAP.
set -eu
TOP=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
# shellcheck source=../../scripts/lib.sh
. "$TOP/scripts/lib.sh"	# for cleanup_add; it sets TOP from $0: again
TOP=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
ME=build.t
US=$TOP/tests/userspace
TABLE=$TOP/tests/guest/tests/userspace.h

if ! command -v i386-linux-musl-gcc >/dev/null 2>&1; then
	echo "1..0 # SKIP no i386-linux-musl-gcc (Debian packages musl:i386, musl-dev:i386)"
	cat >&2 <<'BANNER'

*** SKIPPED: tests/userspace/build.t: the musl programs and the 2.5.38
*** ABI adapter were NOT built: no i386-linux-musl-gcc (scripts/install-deps)

BANNER
	exit 0
fi
# shellcheck source=../tap.sh
. "$TOP/tests/tap.sh"
tap_scratch
B=$tmp/build

# The functions that may make a system call with "int $0x80" rather
# than through __sysinfo (the adapter), and why that is all right.
ALLOWED='
adapter_syscall		the adapter itself
__cp_begin		the adapter: its __syscall_cp_asm
__clone			the adapter: its clone
adapter_main_tid	the adapter: tid.c (gettid, write, exit)
__init_tp		musl, before the thread pointer: set_tid_address (ENOSYS on 2.5.38: tid.c repairs the tid)
__init_tls		musl, before the thread pointer: mmap2 (same ABI)
static_init_tls		musl, before the thread pointer: mmap2 (same ABI)
__set_thread_area	musl: set_thread_area, modify_ldt (same ABI in 2.5.38)
__unmapself		musl, a detached thread exits: munmap, exit (same ABI)
__restore		musl: sigreturn (same ABI)
__restore_rt		musl: rt_sigreturn (same ABI)
vfork			musl: vfork (same ABI)
'

sel=
if sel=$(FUTEX_COW_CACHE=$CACHE "$TOP/scripts/get-selftests" 2>"$tmp/sel.err" | tail -n 1) &&
	[ -n "$sel" ]; then
	:
else
	sel=
fi
if [ -n "$sel" ]; then
	echo "1..9"
else
	echo "1..8"
fi

check "make: the adapter, adapter_check and posix_repro (static musl)" \
	make -C "$US" O="$B"

if [ -n "$sel" ]; then
	check "make SELFTESTS=: Linux's futex selftests from linux-source ($sel)" \
		make -C "$US" O="$B" SELFTESTS="$sel"
else
	n=$((n + 1))
	echo "ok $n - Linux's futex selftests # SKIP no linux-source-6.1 tarball: $(head -n 1 "$tmp/sel.err")"
	cat >&2 <<'BANNER'

*** SKIPPED: tests/userspace/build.t: Linux's futex selftests were NOT
*** built: no /usr/src/linux-source-6.1.tar.xz (scripts/install-deps)

BANNER
fi

progs=$(find "$B/bin" -type f 2>/dev/null | sort)

# static_i386 PROG...: each is a 32-bit i386 ELF executable, no PT_INTERP
static_i386() {
	[ $# -gt 0 ] || { echo "no programs were built"; return 1; }
	for p in "$@"; do
		h=$(readelf -h "$p") || return 1
		printf '%s\n' "$h" | grep -q 'Class:.*ELF32' ||
			{ echo "$p: not ELF32"; return 1; }
		printf '%s\n' "$h" | grep -q 'Machine:.*80386' ||
			{ echo "$p: not i386"; return 1; }
		printf '%s\n' "$h" | grep -q 'Type:.*EXEC' ||
			{ echo "$p: not a (non-PIE) executable"; return 1; }
		! readelf -l "$p" | grep -q INTERP ||
			{ echo "$p: dynamically linked"; return 1; }
	done
}
# shellcheck disable=SC2086  # $progs: one path a word, no blanks in them
check "static i386 executables: $(echo $progs | wc -w) programs" \
	static_i386 $progs

# sysinfo_is_adapter PROG...: the word __sysinfo holds adapter_syscall's
# address (musl's own __sysinfo, "int $0x80; ret", was not linked)
sysinfo_is_adapter() {
	for p in "$@"; do
		a=$(nm "$p" | awk '$3 == "__sysinfo" { print $1 }')
		e=$(nm "$p" | awk '$3 == "adapter_syscall" { print $1 }')
		if [ -z "$a" ] || [ -z "$e" ]; then
			echo "$p: no __sysinfo or adapter_syscall"
			return 1
		fi
		v=$(objdump -s -j .data --start-address=0x"$a" \
			--stop-address=$((0x$a + 4)) "$p" |
			awk 'NF >= 2 && $1 ~ /^[0-9a-f]+$/ { print $2; exit }')
		# little endian: bytes b0 b1 b2 b3 -> b3b2b1b0
		v=$(printf '%s\n' "$v" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/')
		[ "$v" = "$e" ] || {
			echo "$p: __sysinfo holds 0x$v, not adapter_syscall (0x$e)"
			return 1
		}
		for s in __clone __syscall_cp_asm; do
			nm "$p" | grep -q " [Tt] $s\$" ||
				{ echo "$p: no $s"; return 1; }
		done
		objdump -d "$p" | awk '/^[0-9a-f]+ <__clone>:/ { f = 1; next }
			/^$/ { f = 0 } f && /mov +\$0xe0,%eax/ { found = 1 }
			END { exit !found }' ||
			{ echo "$p: __clone is not the adapter's (no gettid)"; return 1; }
	done
}
# shellcheck disable=SC2086
check "__sysinfo is the adapter's entry; __clone, __syscall_cp_asm its own" \
	sysinfo_is_adapter $progs

# raw_syscalls PROG...: every int $0x80 is in an ALLOWED function
raw_syscalls() {
	bad=0
	for p in "$@"; do
		objdump -d "$p" | awk '
			/^[0-9a-f]+ <.*>:$/ { fn = $2; sub(/^</, "", fn); sub(/>:$/, "", fn) }
			/\tint +\$0x80/ { print fn }' | sort -u >"$tmp/fns"
		while read -r fn; do
			printf '%s\n' "$ALLOWED" | awk -v f="$fn" '$1 == f { found = 1 } END { exit !found }' || {
				echo "$p: int \$0x80 in $fn, which is not in build.t's ALLOWED list: does it bypass the adapter?"
				bad=1
			}
		done <"$tmp/fns"
	done
	return $bad
}
# shellcheck disable=SC2086
check "every int \$0x80 outside the adapter is one build.t allows, with its reason" \
	raw_syscalls $progs

# table_vs_makefile: the selftests the table runs (skip NULL) are the
# Makefile's SELFTESTS_RUN; every program it runs is built; every
# functional/*.c of the source is in the table (run or skipped)
# tu: the table's lines (the C preprocessor reads it), one a line:
# NAME "GROUPS" "PROGRAM" ARGUMENT run|skip
tu() {
	printf '%s\n' '#define U(n, g, t, p, a, s) @ n g p a s ;' \
		'#include "userspace.h"' |
		cc -E -P -I "$(dirname -- "$TABLE")" - |
		tr '\n' ' ' | tr ';' '\n' | awk '$1 == "@" {
			print $2, $3, $4, $5, ($6 == "NULL" && NF == 6) ? "run" : "skip" }'
}
table_vs_makefile() {
	run=$(tu | awk '$3 ~ /^"\/us\/futex_/ && $5 == "run" {
		gsub(/"|\/us\//, "", $3); print $3 }' | sort)
	mk=$(make -s -C "$US" selftests | sort)
	[ "$run" = "$mk" ] || {
		echo "the table runs: $run"
		echo "the Makefile builds: $mk"
		return 1
	}
	for p in $(tu | awk '$5 == "run" { gsub(/"|\/us\//, "", $3); print $3 }' | sort -u); do
		case $p in futex_*) [ -n "$sel" ] || continue ;; esac
		[ -x "$B/bin/$p" ] ||
			{ echo "the table runs /us/$p, which make does not build"; return 1; }
	done
	[ -n "$sel" ] || return 0
	for c in "$sel"/futex/functional/*.c; do
		t=$(basename "$c" .c)
		tu | awk -v p="\"/us/$t\"" '$3 == p { f = 1 } END { exit !f }' ||
			{ echo "$t (in $sel) is neither run nor skipped in $TABLE"; return 1; }
	done
}
check "the guest's table and the Makefile agree on the programs" \
	table_vs_makefile

# table_vs_repro: posix_repro's cases (repro.c) are the table's, and a
# "bug" case is in userspace_bug, a "control" in userspace
table_vs_repro() {
	cases=$(sed -n 's/^[[:space:]]*{ "\([a-z_]*\)",.*"\(bug\|control\)" },$/\1 \2/p' \
		"$US/posix/repro.c" | sort)
	tab=$(tu | awk '$3 == "\"/us/posix_repro\"" {
		gsub(/"/, "")
		k = $2 == "userspace_bug" ? "bug" : $2 == "userspace" ? "control" : $2
		print $4, k }' | sort)
	if [ -z "$cases" ] || [ "$cases" != "$tab" ]; then
		echo "repro.c: $cases"
		echo "the table: $tab"
		return 1
	fi
}
check "the guest's table has posix_repro's cases, bug in userspace_bug" \
	table_vs_repro

# bug_has_expected: every userspace_bug test has an expected failure
bug_has_expected() {
	for t in $(tu | awk '$2 == "\"userspace_bug\"" { print $1 }'); do
		grep -q "^$t	" "$TOP/tests/expected-failures" ||
			{ echo "$t: no entry in tests/expected-failures"; return 1; }
	done
}
check "every userspace_bug test is in tests/expected-failures" \
	bug_has_expected

# the adapter's header lists each difference the code bridges
header_lists() {
	h=$US/adapter/abi-2.5.38.h
	for w in FUTEX_PRIVATE_FLAG 'The 4th argument' FUTEX_REQUEUE \
		set_tid_address "tid pointers" futex_time64 CLOCK_MONOTONIC; do
		grep -q "$w" "$h" || { echo "$h does not mention $w"; return 1; }
	done
}
check "adapter/abi-2.5.38.h lists the differences bridged" header_lists

[ $failed = 0 ]
