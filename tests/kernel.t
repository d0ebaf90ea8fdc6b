#!/bin/sh
# kernel.t: the kernel stages of the test suite, in TAP.
#
# Proves that the LKML series applies to pristine 2.5.38 at fuzz 0, that
# every kernel variant of configs/stages builds (with the compat series),
# that every stage of that table comes out as it expects (the same stages
# make run runs: the whole suite passes on the patched kernels, UP, SMP,
# PREEMPT and HIGHMEM/HIGHPTE; on vanilla the tests that need no fix pass
# and the COW, privacy, zap/munmap, stress and pin-limit reproducers fail
# as tests/expected-failures says), that vanilla and patched differ on the
# bad-input table exactly as tests/differential.expected says
# (tests/differential.t), and that the negative controls of the debug
# instrumentation fail (an inverted lock order BUGs; a page reference
# leaked per futex fd fails the lifetime tests).  Without a 2.5.38 tree
# it says SKIPPED, loudly.
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

variants=$(stage_variants)
stages=$(stage_rows | cut -f1)
echo "1..$(( 1 + $(printf '%s\n' "$variants" | wc -l) + $(printf '%s\n' "$stages" | wc -l) + 10 ))"
logged "LKML series applies to pristine $KVER with quilt at fuzz 0" applies
# A peer that cannot be derived here (no history tree) is a SKIP.
for v in $variants; do
	n=$((n + 1))
	rc=0
	"$TOP/scripts/build" "$v" >"$TAP_LOGDIR/t$n.log" 2>&1 || rc=$?
	sed 's/^/# /' "$TAP_LOGDIR/t$n.log"
	case $rc in
	0) echo "ok $n - build $v" ;;
	77) echo "ok $n - build $v # SKIP $(grep -m1 SKIPPED "$TAP_LOGDIR/t$n.log" | sed 's/.*SKIPPED: //')" ;;
	*) echo "not ok $n - build $v"; failed=$((failed + 1)) ;;
	esac
done
# Every stage of configs/stages, as make run runs them (scripts/stage):
# the whole suite on the patched kernels, the tests that need no fix on
# vanilla, the reproducers failing on vanilla as tests/expected-failures
# says, peers recorded.  A stage whose kernel could not be built (a peer
# without a history tree) is a SKIP.  FUTEX_COW_JOBS guests (default:
# the number of CPUs, at most 4) run side by side; the TAP lines come in
# table order as the stages end.
jobs=$(stage_jobs)
sout=$TAP_LOGDIR/stages
rm -rf "$sout"
mkdir -p "$sout"
# shellcheck disable=SC2086  # the stage names, one word each
"$TOP/scripts/stage" --jobs "$jobs" --out "$sout" $stages &
spid=$!
on_exit "kill $spid 2>/dev/null"
for s in $stages; do
	desc=$(stage_rows | awk -F'\t' -v s="$s" '$1 == s {
		print $2 ", " $3 " CPU(s), tests " $4 ", expect " $5 }')
	# Polled: the stages run in the background, this prints their
	# results in order (the stages' own outcome depends on no timing).
	rc=$(stage_status "$sout" "$s" $spid)
	n=$((n + 1))
	sed 's/^/# /' "$sout/$s.out" 2>/dev/null || :
	t=$(sed -n 's/^seconds\t//p' "$TOP/results/runs/$s.tsv" 2>/dev/null)
	case $rc in
	0) echo "ok $n - stage $s: $desc (${t:-?}s in the guest)" ;;
	3) echo "ok $n - stage $s: $desc # SKIP $(grep -m1 SKIPPED "$sout/$s.out" | sed 's/.*SKIPPED: //')" ;;
	*) echo "not ok $n - stage $s: $desc"; failed=$((failed + 1)) ;;
	esac
done
wait $spid || :
logged "vanilla and patched (UP; SMP, 2 CPUs) differ on bad input only as tests/differential.expected says" \
	"$TOP/tests/differential.t"
# broken_boot NAME PATCH TESTS TIMEOUT [CONFIG]: build the series, the
# debug series and patches/debug/PATCH (a deliberately broken kernel, in
# no series) into the work tree patched-CONFIG-NAME (CONFIG default up),
# and boot it with TESTS.  Fails if the build fails or boot-test passes;
# the console is in $TAP_LOGDIR/patched-CONFIG-NAME.log.
broken_boot() {
	bb_c=${5:-up}
	bb_series=$(mktemp)
	cleanup_add "$bb_series"
	{ series_names "$TOP/series"
	  series_names "$TOP/patches/debug/series" | sed 's|^|debug/|'
	  echo "debug/$2"; } >"$bb_series"
	bb_out=$("$TOP/scripts/build" --series "$bb_series" \
		--patches "$TOP/patches" --no-debug --tree "patched-$bb_c-$1" \
		"patched-$bb_c") || { printf '%s\n' "$bb_out"; return 1; }
	if "$TOP/scripts/boot-test" --tests "$3" --timeout "$4" \
	    --kernel "$(printf '%s\n' "$bb_out" | tail -n 1)" \
	    --log "$TAP_LOGDIR/patched-$bb_c-$1.log" "patched-$bb_c"; then
		echo "boot-test passed patched-$bb_c with $2"
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
	broken_boot leakpage debug-leak-page.patch \
		lifetime,paths_exec_fd,paths_clone_files 300 || return 1
	grep -m 1 'lifetime_fork_reuse: futex_debug: futex_pages [1-9][0-9]* at the end, want 0' \
		"$TAP_LOGDIR/patched-up-leakpage.log" &&
	grep -m 1 'lifetime_fork_reuse: MemFree [0-9]* kB below its baseline' \
		"$TAP_LOGDIR/patched-up-leakpage.log" &&
	grep -m 1 'exec_fd: after the exec.d child.s exit: registrations 0, futex_pages [1-9]' \
		"$TAP_LOGDIR/patched-up-leakpage.log"
}
logged "patched-up leaking a page an fd (debug-leak-page): the lifetime and exec/clone tests fail" \
	leak_page_control
# The same leak seen through a FUTEX_FD passed over a unix socket (the
# up-swap config has unix sockets).
leak_unix_control() {
	broken_boot leakpage debug-leak-page.patch paths_unix_fd 300 up-swap ||
		return 1
	grep -m 1 'unix_fd: after: registrations 0, futex_pages [1-9]' \
		"$TAP_LOGDIR/patched-up-swap-leakpage.log"
}
logged "patched-up-swap leaking a page an fd: the unix-socket fd test fails" \
	leak_unix_control
# Allocation failure during registration (debug-fault-inject's
# /proc/futex_fault): debug-fault-leak-charge forgets to uncharge the
# pin of a FUTEX_FD whose file allocation failed.
leak_charge_control() {
	broken_boot leakcharge debug-fault-leak-charge.patch paths_alloc_fail 300 ||
		return 1
	grep -m 1 'FUTEX_FDs after the failures: [0-3], then ENOMEM; want 4, then ENOMEM' \
		"$TAP_LOGDIR/patched-up-leakcharge.log"
}
logged "patched-up leaking a pin charge on a failed allocation: paths_alloc_fail fails" \
	leak_charge_control
# A shared futex keyed by mm (debug-shared-by-mm): two processes of one
# MAP_SHARED page no longer meet.
shared_by_mm_control() {
	broken_boot sharedmm debug-shared-by-mm.patch paths_shared_ro 300 ||
		return 1
	grep -m 1 'MAP_SHARED, on its own: woke 0, want 1' \
		"$TAP_LOGDIR/patched-up-sharedmm.log"
}
logged "patched-up keying shared futexes by mm: paths_shared_ro fails" \
	shared_by_mm_control
# A reference taken on a huge page (debug-hugetlb-ref): the pool leaks.
hugetlb_ref_control() {
	broken_boot hugeref debug-hugetlb-ref.patch review_hugetlb_leak 300 ||
		return 1
	grep -m 1 'huge pages leaked by FUTEX_WAIT' \
		"$TAP_LOGDIR/patched-up-hugeref.log"
}
logged "patched-up taking a reference on huge pages: review_hugetlb_leak fails" \
	hugetlb_ref_control
# The hash's size: one allocation failing at boot gives half the buckets
# (paths_hash_size must see it), every one failing the static 16, with
# which the COW, privacy and lifetime tests still pass; and a 16 MB guest.
hash_fail_control() {
	if "$TOP/scripts/boot-test" --no-build --append page_change_hash_fail=1 \
	    --tests paths_hash_size --timeout 300 \
	    --log "$TAP_LOGDIR/patched-up-hashfail.log" patched-up; then
		echo "paths_hash_size passed with page_change_hash_fail=1"
		return 1
	fi
	grep -m 1 'page_change: 4096 buckets for lowmem [0-9]* pages; one per 4 pages, 256..16384, is 8192' \
		"$TAP_LOGDIR/patched-up-hashfail.log"
}
logged "patched-up with a hash allocation failing at boot: paths_hash_size fails" \
	hash_fail_control
hash_static16() {
	"$TOP/scripts/boot-test" --no-build --append page_change_hash_fail=99 \
	    --tests cow,priv,lifetime,paths_exec_fd,paths_clone_files,paths_truncate,paths_alloc_fail \
	    --timeout 900 --log "$TAP_LOGDIR/patched-up-hash16.log" patched-up &&
	grep -m 1 'page_change: 16 buckets' "$TAP_LOGDIR/patched-up-hash16.log"
}
logged "patched-up with every hash allocation failing: the static 16 buckets work" \
	hash_static16
mem16() {
	"$TOP/scripts/boot-test" --no-build --mem 16 \
	    --tests paths_hash_size,paths_pin_default,paths_exec_fd \
	    --timeout 600 --log "$TAP_LOGDIR/patched-up-16mb.log" patched-up
}
logged "patched-up in 16 MB: hash size and pin bound follow memory" mem16
[ $failed = 0 ]
