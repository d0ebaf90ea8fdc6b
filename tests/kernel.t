#!/bin/sh
# kernel.t: the kernel stages of the test suite, in TAP.
#
# Proves that the LKML series applies to pristine 2.5.38 at fuzz 0, that
# all four kernels build (with the compat series), that the guest suite
# passes on the patched kernels (UP, SMP with 2 and 4 CPUs; the whole
# suite: basic, cow, priv, lifetime, limit, diff and a short stress run),
# that the kernels of the wider configs build too (configs/up-preempt:
# CONFIG_PREEMPT; configs/smp-highmem: HIGHMEM4G, HIGHPTE, booted with
# highmem) and the whole suite passes on them (patched-up-preempt,
# patched-smp-highmem with 2 and 4 CPUs, after the guest checked that
# user pages, futex pages and page tables come from highmem),
# that on vanilla kernels the tests that need no fix pass (basic, and the
# groups lifetime_vanilla and review_vanilla) while the COW, privacy and
# zap/munmap reproducers (review_bug), the stress test and the FUTEX_FD
# pin limit test FAIL,
# i.e. that the suite sees what the series changes, and that vanilla and
# patched differ on the bad-input table exactly as
# tests/differential.expected says (tests/differential.t), and that the
# negative controls of the debug instrumentation fail (an inverted lock
# order BUGs; a page reference leaked per futex fd fails the lifetime
# tests).  Without a
# 2.5.38 tree it says SKIPPED, loudly.
set -eu
TOP=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
# shellcheck source=../scripts/lib.sh
. "$TOP/scripts/lib.sh"
ME=kernel.t

if ! out=$("$TOP/scripts/get-kernel" 2>&1); then
	why=$(printf '%s\n' "$out" | tail -n 1)
	echo "1..0 # SKIP no Linux $KVER tree: $why"
	cat >&2 <<EOF

*** SKIPPED: kernel stages (build, boot, guest tests) did not run:
*** $why
*** Set KERNEL_GIT=<kernel history git> or KERNEL_TARBALL=<linux-$KVER.tar.bz2>.

EOF
	exit 0
fi
pristine=$(printf '%s\n' "$out" | tail -n 1)

TAP_LOGDIR=$TOP/results/logs
mkdir -p "$TAP_LOGDIR"
# shellcheck source=tap.sh
. "$TOP/tests/tap.sh"

# The series as a reviewer applies it: quilt, pristine tree, fuzz 0.
applies() {
	if ! grep -q '^[^#[:space:]]' "$TOP/series"; then
		echo "the series is empty"
		return 0
	fi
	tmp=$(mktemp -d)
	cleanup_add "$tmp"
	cp -a "$pristine" "$tmp/linux"
	chmod -R u+w "$tmp/linux"
	(cd "$tmp/linux" &&
	 QUILT_PATCHES=$TOP/patches QUILT_SERIES=$TOP/series QUILT_PC=.pc \
	 q push -a --fuzz=0)
	chmod -R u+w "$tmp"
	rm -rf "$tmp"
}

echo "1..24"
logged "LKML series applies to pristine $KVER with quilt at fuzz 0" applies
for v in vanilla-up vanilla-smp patched-up patched-smp \
    vanilla-up-preempt vanilla-smp-highmem patched-up-preempt \
    patched-smp-highmem; do
	logged "build $v" "$TOP/scripts/build" "$v"
done
# The whole suite, stress (10 s) included: it must pass on UP, SMP-2, SMP-4.
logged "patched-up: guest suite passes (stress, lifetime, limit included)" \
	"$TOP/scripts/boot-test" --no-build patched-up
logged "patched-smp, 2 CPUs: guest suite passes (stress, lifetime, limit included)" \
	"$TOP/scripts/boot-test" --no-build --cpus 2 patched-smp
logged "patched-smp, 4 CPUs: guest suite passes (stress, lifetime, limit included)" \
	"$TOP/scripts/boot-test" --no-build --cpus 4 patched-smp
# The wider configs: preemption, and highmem for user pages, futex pages
# and page tables (the test point "highmem" of the guest checks it).
logged "patched-up-preempt: guest suite passes (stress, lifetime, limit included)" \
	"$TOP/scripts/boot-test" --no-build patched-up-preempt
logged "patched-smp-highmem, 2 CPUs: pages come from highmem; guest suite passes" \
	"$TOP/scripts/boot-test" --no-build --cpus 2 patched-smp-highmem
logged "patched-smp-highmem, 4 CPUs: pages come from highmem; guest suite passes" \
	"$TOP/scripts/boot-test" --no-build --cpus 4 patched-smp-highmem
logged "vanilla-up: basic, lifetime and review tests that need no fix pass" \
	"$TOP/scripts/boot-test" --no-build \
	--tests basic,lifetime_vanilla,review_vanilla vanilla-up
logged "vanilla-smp: basic, lifetime and review tests that need no fix pass" \
	"$TOP/scripts/boot-test" --no-build \
	--tests basic,lifetime_vanilla,review_vanilla vanilla-smp
logged "vanilla-up: COW, privacy, zap and munmap reproducers fail (the bugs are seen)" \
	"$TOP/scripts/boot-test" --no-build --tests cow,priv,review_bug \
	--expect-fail vanilla-up
logged "vanilla-smp, 2 CPUs: COW, privacy, zap and munmap reproducers fail (the bugs are seen)" \
	"$TOP/scripts/boot-test" --no-build --tests cow,priv,review_bug \
	--expect-fail vanilla-smp
logged "vanilla-smp, 2 CPUs: the stress test loses wakeups (the bug is seen)" \
	"$TOP/scripts/boot-test" --no-build --tests stress --expect-fail \
	--log "$TAP_LOGDIR/vanilla-smp-stress.log" vanilla-smp
logged "vanilla-up: no FUTEX_FD pin limit without the series (limit test fails)" \
	"$TOP/scripts/boot-test" --no-build --tests limit --expect-fail \
	--log "$TAP_LOGDIR/vanilla-up-limit.log" vanilla-up
logged "vanilla and patched (UP; SMP, 2 CPUs) differ on bad input only as tests/differential.expected says" \
	"$TOP/tests/differential.t"
# broken_boot NAME PATCH TESTS TIMEOUT: build the series, the debug series
# and patches/debug/PATCH (a deliberately broken kernel, in no series)
# into the work tree patched-up-NAME, and boot it with TESTS.  Fails if
# the build fails or boot-test passes; the console is in
# $TAP_LOGDIR/patched-up-NAME.log.
broken_boot() {
	bb_series=$(mktemp)
	cleanup_add "$bb_series"
	{ series_names "$TOP/series"
	  series_names "$TOP/patches/debug/series" | sed 's|^|debug/|'
	  echo "debug/$2"; } >"$bb_series"
	bb_out=$("$TOP/scripts/build" --series "$bb_series" \
		--patches "$TOP/patches" --no-debug --tree "patched-up-$1" \
		patched-up) || { printf '%s\n' "$bb_out"; return 1; }
	if "$TOP/scripts/boot-test" --tests "$3" --timeout "$4" \
	    --kernel "$(printf '%s\n' "$bb_out" | tail -n 1)" \
	    --log "$TAP_LOGDIR/patched-up-$1.log" patched-up; then
		echo "boot-test passed patched-up with $2"
		return 1
	fi
}
# Negative control of the lock-order checker (debug-lock-rank):
# debug-lock-rank-invert.patch makes futex_wake() take page_table_lock
# under futex_lock; the first FUTEX_WAKE must BUG() with the report.
lock_rank_control() {
	broken_boot lockinvert debug-lock-rank-invert.patch basic 120 ||
		return 1
	grep -m 1 'lock_rank: lock order violation: taking mm->page_table_lock (rank 1) at futex.c:[0-9]* while holding futex_lock (rank 3)' \
		"$TAP_LOGDIR/patched-up-lockinvert.log" &&
	grep -m 1 'kernel BUG at lock_rank.c' \
		"$TAP_LOGDIR/patched-up-lockinvert.log"
}
logged "patched-up with an inverted lock order (debug-lock-rank-invert): the checker BUGs" \
	lock_rank_control
# Negative control of the lifetime tests' leak checks (debug-futex-count):
# debug-leak-page.patch makes futex_close() forget the fd's page
# reference.  /proc/futex_debug counts the references left, and
# lifetime_fork_reuse (one such page an iteration) loses more MemFree
# than the tests allow.
leak_page_control() {
	broken_boot leakpage debug-leak-page.patch lifetime 300 || return 1
	grep -m 1 'lifetime_fork_reuse: futex_debug: futex_pages [1-9][0-9]* at the end, want 0' \
		"$TAP_LOGDIR/patched-up-leakpage.log" &&
	grep -m 1 'lifetime_fork_reuse: MemFree [0-9]* kB below its baseline' \
		"$TAP_LOGDIR/patched-up-leakpage.log"
}
logged "patched-up leaking a page an fd (debug-leak-page): the lifetime tests fail" \
	leak_page_control
[ $failed = 0 ]
