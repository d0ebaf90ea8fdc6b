#!/bin/sh
# kernel.t: the kernel stages of the test suite, in TAP.
#
# Proves that the LKML series applies to pristine 2.5.38 at fuzz 0, that
# all four kernels build (with the compat series), that the guest suite
# passes on the patched kernels (UP, SMP with 2 and 4 CPUs; the whole
# suite: basic, cow, priv, lifetime, limit, diff and a short stress run),
# that on vanilla kernels the tests that need no fix pass (basic, and the
# lifetime tests of group lifetime_vanilla) while the COW and privacy
# reproducers, the stress test and the FUTEX_FD pin limit test FAIL,
# i.e. that the suite sees what the series changes, and that vanilla and
# patched differ on the bad-input table exactly as
# tests/differential.expected says (tests/differential.t).  Without a
# 2.5.38 tree it says SKIPPED, loudly.
set -eu
TOP=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
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
. "$TOP/tests/tap.sh"

# The series as a reviewer applies it: quilt, pristine tree, fuzz 0.
applies() {
	if ! grep -q '^[^#[:space:]]' "$TOP/series"; then
		echo "the series is empty"
		return 0
	fi
	tmp=$(mktemp -d)
	trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
	cp -a "$pristine" "$tmp/linux"
	chmod -R u+w "$tmp/linux"
	(cd "$tmp/linux" &&
	 QUILT_PATCHES=$TOP/patches QUILT_SERIES=$TOP/series QUILT_PC=.pc \
	 q push -a --fuzz=0)
	chmod -R u+w "$tmp"
	rm -rf "$tmp"
	trap - EXIT
}

echo "1..15"
logged "LKML series applies to pristine $KVER with quilt at fuzz 0" applies
for v in vanilla-up vanilla-smp patched-up patched-smp; do
	logged "build $v" "$TOP/scripts/build" "$v"
done
# The whole suite, stress (10 s) included: it must pass on UP, SMP-2, SMP-4.
logged "patched-up: guest suite passes (stress, lifetime, limit included)" \
	"$TOP/scripts/boot-test" --no-build patched-up
logged "patched-smp, 2 CPUs: guest suite passes (stress, lifetime, limit included)" \
	"$TOP/scripts/boot-test" --no-build --cpus 2 patched-smp
logged "patched-smp, 4 CPUs: guest suite passes (stress, lifetime, limit included)" \
	"$TOP/scripts/boot-test" --no-build --cpus 4 patched-smp
logged "vanilla-up: basic futex tests and the lifetime tests that need no fix pass" \
	"$TOP/scripts/boot-test" --no-build --tests basic,lifetime_vanilla vanilla-up
logged "vanilla-smp: basic futex tests and the lifetime tests that need no fix pass" \
	"$TOP/scripts/boot-test" --no-build --tests basic,lifetime_vanilla vanilla-smp
logged "vanilla-up: COW and privacy reproducers fail (the bugs are seen)" \
	"$TOP/scripts/boot-test" --no-build --tests cow,priv --expect-fail vanilla-up
logged "vanilla-smp, 2 CPUs: COW and privacy reproducers fail (the bugs are seen)" \
	"$TOP/scripts/boot-test" --no-build --tests cow,priv --expect-fail vanilla-smp
logged "vanilla-smp, 2 CPUs: the stress test loses wakeups (the bug is seen)" \
	"$TOP/scripts/boot-test" --no-build --tests stress --expect-fail \
	--log "$TAP_LOGDIR/vanilla-smp-stress.log" vanilla-smp
logged "vanilla-up: no FUTEX_FD pin limit without the series (limit test fails)" \
	"$TOP/scripts/boot-test" --no-build --tests limit --expect-fail \
	--log "$TAP_LOGDIR/vanilla-up-limit.log" vanilla-up
logged "vanilla-up and patched-up differ on bad input only as tests/differential.expected says" \
	"$TOP/tests/differential.t"
[ $failed = 0 ]
