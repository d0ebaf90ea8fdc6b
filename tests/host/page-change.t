#!/bin/sh
# page-change.t: host-side tests of the page_change facility, in TAP.
#
# Extracts mm/page_change.c and include/linux/page_change.h from
# patches/page-change-facility.patch, builds the stress test against the
# shims in shim/linux/ (plain, ThreadSanitizer, -m32, and four broken
# variants), and runs it: plainly, under TSan, helgrind and memcheck,
# and the broken variants, which must be caught (negative controls).
# Needs gcc and make; valgrind and the 32-bit build (gcc-i686-linux-gnu) are optional and
# SKIPped if missing.  No kernel tree.  See README.
#
# PAGE_CHANGE_SECONDS: run time of each stress run (default 2).
# PAGE_CHANGE_PATCH or --patch FILE: test that version of the patch.
# KERNEL_TREE: a kernel tree whose lib/rbtree.c test 18 compiles (default:
# scripts/get-kernel's cached 2.5.38 tree, if there is one; never fetched).
set -eu
HERE=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
TOP=$(CDPATH='' cd -- "$HERE/../.." && pwd)
O=$HERE/build
LOG=$O/logs
SECS=${PAGE_CHANGE_SECONDS:-2}
PATCH=${PAGE_CHANGE_PATCH:-$TOP/patches/page-change-facility.patch}

usage() {
	cat <<EOF
usage: page-change.t [--patch FILE]

The host-side tests of the page_change facility, in TAP (see README).
  --patch FILE   extract mm/page_change.c and page_change.h from FILE
                 (default: \$PAGE_CHANGE_PATCH, else
                 $TOP/patches/page-change-facility.patch)
Environment: PAGE_CHANGE_SECONDS (length of each stress run, default 2),
PAGE_CHANGE_PATCH (as --patch), KERNEL_TREE (a kernel tree for test 18,
which runs the stress on its own lib/rbtree.c; default: the cached
pristine tree of scripts/get-kernel, if any; SKIP without).
EOF
}

while [ $# -gt 0 ]; do
	case $1 in
	-h|--help) usage; exit 0 ;;
	--patch) [ $# -ge 2 ] || { usage >&2; exit 2; }; PATCH=$2; shift 2 ;;
	--patch=*) PATCH=${1#--patch=}; shift ;;
	*) usage >&2; exit 2 ;;
	esac
done
case $PATCH in
/*) ;;
*) PATCH=$(pwd)/$PATCH ;;
esac
mkdir -p "$LOG"

# shellcheck disable=SC2034  # read by logged() of tests/tap.sh
TAP_LOGDIR=$LOG
# shellcheck source=../tap.sh
. "$HERE/../tap.sh"

skip() {
	n=$((n + 1))
	echo "ok $n # SKIP $*"
}

build() {
	make -s -C "$HERE" O="$O" PATCH="$PATCH" "$@"
}

# Belt and braces: the program has its own watchdog.
limit() {
	if command -v timeout >/dev/null 2>&1; then
		timeout -k 5 300 "$@"
	else
		"$@"
	fi
}

# run_out COMMAND...: run it (under limit) into $out, this test's
# t<n>.out, and show that; its exit status in $st.
run_out() {
	out=$LOG/t$n.out
	st=0
	limit "$@" >"$out" 2>&1 || st=$?
	cat "$out"
}

# pass COMMAND...: must exit 0, print PASS, and nothing from a checker.
pass() {
	run_out "$@"
	if [ "$st" -ne 0 ]; then
		echo "exit status $st"
		return 1
	fi
	grep -q '^stress: PASS$' "$out" || { echo "no PASS"; return 1; }
	if grep -q -e 'ThreadSanitizer' -e '^==[0-9]*== ' "$out"; then
		echo "the checker said something"
		return 1
	fi
}

# tsan COMMAND...: under ThreadSanitizer, any report fails.  Without
# address space randomisation where possible: gcc 12's TSan cannot
# cope with the mmap_rnd_bits of some newer kernels.
tsan() {
	TSAN_OPTIONS="halt_on_error=1 exitcode=66 ${TSAN_OPTIONS:-}"
	export TSAN_OPTIONS
	if setarch "$(uname -m)" -R true >/dev/null 2>&1; then
		set -- setarch "$(uname -m)" -R "$@"
	fi
	pass "$@" || return 1
	grep -q '^stress: tsan build' "$out" ||
		{ echo "not a TSan build"; return 1; }
}

# expect_fail KIND COMMAND...: must be caught: exit status 3, FAIL [KIND]
# (KIND: an extended regexp, e.g. "range|cost").
expect_fail() {
	kind=$1
	shift
	run_out "$@"
	if [ "$st" -ne 3 ]; then
		echo "expected exit status 3 (invariant violated), got $st"
		return 1
	fi
	grep -E -q "^FAIL \[($kind)\]" "$out" ||
		{ echo "expected FAIL [$kind]"; return 1; }
	echo "caught, as it must be"
}

# can_m32: 0 if -m32 programs link and run here; else 1, with the
# reason in $m32_why (no i386 compiler, or a kernel that cannot execute i386
# binaries: IA32 emulation off gives "Exec format error").
can_m32() {
	printf 'int main(void) { return 0; }\n' >"$O/m32.c"
	if ! i686-linux-gnu-gcc -pthread -o "$O/m32" "$O/m32.c" >"$O/m32.log" 2>&1; then
		m32_why="i686-linux-gnu-gcc cannot link here (gcc-i686-linux-gnu, libc6-dev-i386-cross?): $(head -n 1 "$O/m32.log")"
		return 1
	fi
	if ! ( "$O/m32" ) >"$O/m32.log" 2>&1; then
		m32_why="this host cannot execute i386 binaries (IA32 emulation off?): $(sed 's/^.*: //;q' "$O/m32.log")"
		return 1
	fi
}

m32() {
	build "$O/stress-m32" && pass "$O/stress-m32" "$@"
}

S="$O/stress"
D="--duration=$SECS"

KTREE=${KERNEL_TREE:-${FUTEX_COW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/futex-cow}/linux-2.5.38}

echo "1..18"
echo "# patch: $PATCH"
logged "extract page_change.c and page_change.h from the patch" \
	"$HERE/extract" -o "$O/src" "$PATCH"
logged "build the stress test" build "$O/stress"
logged "build it with ThreadSanitizer" build "$O/stress-tsan"
logged "build the broken variants (negative controls)" \
	build "$O/stress-broken-register" "$O/stress-broken-remove" \
	"$O/stress-broken-lock-order" "$O/stress-broken-range"
logged "stress" pass "$S" "$D"
# Many registrations per mm: long chains in the colliding hash.
MANY="--mms 2 --waiters 20"
# shellcheck disable=SC2086  # $MANY: options, split on purpose
logged "stress, every mm in 2 hash buckets, many per mm" \
	pass "$S" "$D" --collide $MANY
logged "stress under ThreadSanitizer" tsan "$O/stress-tsan" "$D"
# shellcheck disable=SC2086  # $MANY: options, split on purpose
logged "stress under ThreadSanitizer, 2 hash buckets, many per mm" \
	tsan "$O/stress-tsan" "$D" --collide $MANY
# valgrind runs one thread at a time; --fair-sched hands the lock round
# in turn, so that no thread of the stress test starves (without it, one
# run did 40,040 COWs and 79 mremaps in 2 s, and failed the coverage
# check, "never got an mremap callback").
if command -v valgrind >/dev/null 2>&1; then
	logged "stress under valgrind --tool=helgrind, 2 hash buckets" \
		pass valgrind -q --fair-sched=try --tool=helgrind \
		--error-exitcode=1 \
		"$S" "$D" --collide
	logged "stress under valgrind --tool=memcheck" \
		pass valgrind -q --fair-sched=try --tool=memcheck \
		--error-exitcode=1 \
		--leak-check=full --errors-for-leak-kinds=definite "$S" "$D"
else
	skip "valgrind not installed (helgrind)"
	skip "valgrind not installed (memcheck)"
fi
m32_why=
if can_m32; then
	logged "stress, -m32 (32-bit hash_long, as on i386)" m32 "$D" --collide
else
	skip "$m32_why"
fi
logged "negative control: registering after the lookup's lock was dropped loses a COW" \
	expect_fail lost-update "$O/stress-broken-register" -d 10
logged "negative control: dropping the page read before remove_pin_page() drops a stale page after a COW" \
	expect_fail refcount "$O/stress-broken-remove" -d 10
logged "negative control, caught without the check at insert time" \
	expect_fail lost-update "$O/stress-broken-register" -d 10 --no-insert-check
logged "negative control: remove_pin_page() under the user lock inverts the lock order" \
	expect_fail lock "$O/stress-broken-lock-order" -d 10
logged "negative control: range walks that miss the start of the range (mutant), self-check" \
	expect_fail "range|cost" "$O/stress-broken-range" -d 10
logged "negative control: the same mutant, caught by the stress alone" \
	expect_fail "lost-update|protocol|leftover|tree" "$O/stress-broken-range" -d 10 --no-self-check
if [ -f "$KTREE/lib/rbtree.c" ]; then
	krb() {
		build KERNEL_TREE="$KTREE" "$O/stress-krb" &&
		pass "$O/stress-krb" "$@"
	}
	# shellcheck disable=SC2086  # $MANY: options, split on purpose
	logged "stress, colliding hash, on $KTREE/lib/rbtree.c (balanced) instead of the shim's tree" \
		krb "$D" --collide $MANY
else
	skip "no kernel tree at $KTREE (KERNEL_TREE): the shim's tree only"
fi

# shellcheck disable=SC2154  # failed: set by tests/tap.sh
[ "$failed" -eq 0 ] || { echo "# $failed of $n failed"; exit 1; }
