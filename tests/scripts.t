#!/bin/sh
# scripts.t: the scripts refuse bad input with one clear line and a
# non-zero exit, and leave nothing half-done behind.  TAP.
#
# The first tests need no kernel tree (they feed the scripts fake trees
# that only look like kernels), and get-kernel runs there with a scratch
# cache and none of the caller's KERNEL_* settings.  The last ones need
# the pristine tree and build and boot a patched-up kernel: they take the
# caller's cache and sources (as make check does), and are skipped
# without them, and under make check-host (FUTEX_COW_HOST_ONLY=1).
set -eu
TOP=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
# shellcheck source=../scripts/lib.sh
. "$TOP/scripts/lib.sh"

# shellcheck source=tap.sh
. "$TOP/tests/tap.sh"
tap_scratch

# refuses NAME PATTERN COMMAND...: COMMAND must exit non-zero, and the
# last line of its stderr must be one "error:" line matching PATTERN.
refuses() {
	name=$1
	pat=$2
	shift 2
	n=$((n + 1))
	rc=0
	"$@" >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
	last=$(tail -n 1 "$tmp/err")
	if [ $rc != 0 ] && printf '%s\n' "$last" | grep -q "error: .*$pat"; then
		echo "ok $n - $name"
		echo "#   $last"
	else
		echo "not ok $n - $name"
		echo "#   exit $rc, last stderr line: $last"
		sed 's/^/#   | /' "$tmp/out" "$tmp/err" | tail -n 20
		failed=$((failed + 1))
	fi
}

# fake_tarball FILE VERSION SUBLEVEL: a tiny tree whose Makefile says it.
fake_tarball() {
	d=$tmp/fake/linux
	rm -rf "$tmp/fake"
	mkdir -p "$d/kernel"
	printf 'VERSION = 2\nPATCHLEVEL = 5\nSUBLEVEL = %s\nEXTRAVERSION =\n' \
		"$2" >"$d/Makefile"
	echo "not a kernel" >"$d/kernel/futex.c"
	tar -C "$tmp/fake" -cjf "$1" linux
}

echo "1..25"

# scripts/expect-fail (boot-test --expect-fail): a synthetic console
# against a small expected-failures file.  Each test must fail with a
# diagnostic matching its entry; a pass, a skip, no entry, another
# message, a timeout and a malformed file are each an error naming the
# test (or the line).
expect_fail() {
	x=$TOP/scripts/expect-fail
	printf '# the table\nt_ok\tlost the wakeup$\tthe bug\nt_other\tlost the wakeup\tthe bug\nt_pass\tlost\tthe bug\nt_hang\tlost\tthe bug\n' \
		>"$tmp/xf"
	printf '1..2\n# tests/x.c:1: lost the wakeup\nnot ok 1 t_ok\n' >"$tmp/c1"
	# shellcheck disable=SC2015  # A && B || C: C is the failure branch, for A or B failing
	"$x" --file "$tmp/xf" "$tmp/c1" >"$tmp/o1" &&
	grep -q '^# t_ok: failed as expected: tests/x.c:1: lost the wakeup$' "$tmp/o1" ||
		{ cat "$tmp/o1"; echo "the expected failure was refused"; return 1; }
	printf '%s\n' '1..6' '# tests/x.c:1: lost the wakeup' 'not ok 1 t_ok' \
		'# tests/x.c:2: mmap: ENOMEM' 'not ok 2 t_other' 'ok 3 t_pass' \
		'# tests/x.c:3: lost the wakeup' 'not ok 4 t_noentry' \
		'# tests/x.c:4: lost' '# t_hang: timeout, killed after 20 s' \
		'not ok 5 t_hang' 'ok 6 t_skip # SKIP no FUTEX_FD' >"$tmp/c2"
	rc=0
	"$x" --file "$tmp/xf" "$tmp/c2" >"$tmp/o2" || rc=$?
	cat "$tmp/o2"
	[ $rc = 1 ] || { echo "exit $rc, want 1"; return 1; }
	for want in '^# t_ok: failed as expected' \
	    '^t_other: failed, but not as expected: .*mmap: ENOMEM' \
	    '^t_pass: passed, but must fail' \
	    '^t_noentry: failed, but .* has no entry' \
	    '^t_hang: crashed or timed out' '^t_skip: passed \(skipped\)'; do
		grep -q -E "$want" "$tmp/o2" || { echo "no /$want/"; return 1; }
	done
	[ "$(grep -c -v '^#' "$tmp/o2")" = 5 ] || { echo "want 5 errors"; return 1; }
	printf 't_bad lost the wakeup (spaces, not tabs)\n' >"$tmp/xbad"
	rc=0
	"$x" --file "$tmp/xbad" "$tmp/c1" >/dev/null 2>"$tmp/e3" || rc=$?
	# shellcheck disable=SC2015  # A && B || C: C is the failure branch, for A or B failing
	[ $rc = 2 ] && grep -q 'xbad:1: want TEST<tab>REGEX<tab>WHY' "$tmp/e3" ||
		{ cat "$tmp/e3"; echo "malformed file: exit $rc, want 2"; return 1; }
	# The real file is well-formed and names only tests that exist.
	rc=0
	"$x" "$tmp/c1" >/dev/null 2>"$tmp/e4" || rc=$?
	[ $rc = 1 ] || { cat "$tmp/e4"; echo "tests/expected-failures: exit $rc"; return 1; }
	# shellcheck disable=SC2013  # test names, one word each
	for t in $(awk -F'\t' '!/^[ \t]*(#|$)/ { print $1 }' "$TOP/tests/expected-failures"); do
		grep -q -E "^[TU]\($t," "$TOP/tests/guest/tests/list.h" \
		    "$TOP/tests/guest/tests/userspace.h" ||
			{ echo "tests/expected-failures: no test $t in list.h or userspace.h"; return 1; }
	done
}
check "expect-fail: each expected failure must match its entry (pass, skip, no entry, other message, timeout, bad file refused)" expect_fail
cache=$tmp/cache

# get_kernel [VAR=VALUE...]: scripts/get-kernel with an empty cache of
# its own and only the source given here: none of the caller's
# KERNEL_GIT, KERNEL_TARBALL, KERNEL_URL (an empty one is unset to it).
get_kernel() {
	env FUTEX_COW_CACHE="$cache" KERNEL_GIT= KERNEL_TARBALL= KERNEL_URL= \
		"$@" "$TOP/scripts/get-kernel"
}

fake_tarball "$tmp/linux-2.5.39.tar.bz2" 39
refuses "get-kernel refuses a 2.5.39 tree" "is Linux 2.5.39, not 2.5.38" \
	get_kernel KERNEL_TARBALL="$tmp/linux-2.5.39.tar.bz2"
fake_tarball "$tmp/linux-2.5.38.tar.bz2" 38
refuses "get-kernel refuses a modified 2.5.38 tree" "fingerprint" \
	get_kernel KERNEL_TARBALL="$tmp/linux-2.5.38.tar.bz2"
check "get-kernel left no tree in the cache" \
	test ! -e "$cache/linux-2.5.38"
mkdir -p "$tmp/notgit"
refuses "get-kernel refuses a KERNEL_GIT without v2.5.38" "no tag v2.5.38" \
	get_kernel KERNEL_GIT="$tmp/notgit"
refuses "get-kernel reports a failed download" "download of" \
	get_kernel KERNEL_URL=http://127.0.0.1:9/none.tar.bz2
refuses "build refuses an unknown variant" "unknown variant 'patched-arm'" \
	"$TOP/scripts/build" patched-arm
# Peers and the x86_64 arch code without a kernel history tree: one
# SKIPPED line, exit 77, nothing built (configs/kinds, configs/arches,
# scripts/derive-peer).
# peer_skips HISTORY PATTERN WHAT COMMAND...: each "script args" says
# "SKIPPED: WHAT needs a kernel history tree: PATTERN".
peer_skips() {
	hist=$1 pat=$2 what=$3
	shift 3
	for cmd in "$@"; do
		rc=0
		# shellcheck disable=SC2086  # the script and its argument
		env FUTEX_COW_CACHE="$cache" KERNEL_GIT="$hist" \
			"$TOP/scripts/"$cmd >"$tmp/pout" 2>"$tmp/perr" </dev/null || rc=$?
		[ $rc = 77 ] || { cat "$tmp/pout" "$tmp/perr"; echo "$cmd: exit $rc, want 77"; return 1; }
		if [ "$(wc -l <"$tmp/perr")" != 1 ] ||
		    ! grep -q "SKIPPED: $what needs a kernel history tree: $pat" "$tmp/perr"; then
			cat "$tmp/perr"
			echo "$cmd: want one SKIPPED line"
			return 1
		fi
	done
	if [ -e "$cache/build/vcache-up" ] || [ -e "$cache/peers/vcache" ] ||
	    [ -e "$cache/build/vanilla-x86_64-up" ] ||
	    [ -e "$cache/peers/x86_64-base" ]; then
		echo "something was left in the cache"
		return 1
	fi
}
check "a peer without KERNEL_GIT: SKIPPED (one line, exit 77), nothing built" \
	peer_skips "" "set KERNEL_GIT" "peer vcache" "derive-peer vcache" \
	"build vcache-up"
git init -q "$tmp/v38git" && git -C "$tmp/v38git" -c user.name=t \
	-c user.email=t@t commit -q --allow-empty -m "v2.5.38 only" &&
	git -C "$tmp/v38git" tag v2.5.38
check "a peer from a KERNEL_GIT without its commits: SKIPPED, exit 77" \
	peer_skips "$tmp/v38git" "KERNEL_GIT=.* has none of the commits" \
	"peer vcache" "derive-peer vcache" "build vcache-up"
check "x86_64 without KERNEL_GIT: SKIPPED (one line, exit 77), nothing built" \
	peer_skips "" "set KERNEL_GIT" x86_64-base \
	"derive-peer --list $TOP/patches/x86_64/base x86_64-base" \
	"build vanilla-x86_64-up"
# ... and its stages, not built here: SKIPPED, exit 3, not a failure.
arch_stage_skips() {
	rc=0
	env -u KERNEL_GIT FUTEX_COW_CACHE="$cache" "$TOP/scripts/stage" \
		vanilla-x86_64-up-ok >"$tmp/sout" 2>&1 </dev/null || rc=$?
	[ $rc = 3 ] || { cat "$tmp/sout"; echo "exit $rc, want 3"; return 1; }
	grep -q 'SKIPPED: stage vanilla-x86_64-up-ok: .*needs a kernel history tree' \
		"$tmp/sout" || { cat "$tmp/sout"; return 1; }
}
check "an x86_64 stage without a history tree: SKIPPED, exit 3" \
	arch_stage_skips
# The kinds table: every stack is there, and every kind has a variant.
kinds_ok() {
	for k in $(kind_names); do
		stack=$(kind_row "$k" | cut -f2)
		case $stack in
		-|lkml) ;;
		quilt:*) [ -f "$TOP/${stack#quilt:}" ] || { echo "$k: no ${stack#quilt:}"; return 1; } ;;
		peer:*) [ -f "$TOP/patches/peers/${stack#peer:}" ] || { echo "$k: no patches/peers/${stack#peer:}"; return 1; } ;;
		*) echo "$k: unknown stack $stack"; return 1 ;;
		esac
		variant_config "$k-up" >/dev/null || { echo "$k-up is not a variant"; return 1; }
	done
	! variant_config nosuchkind-up >/dev/null || { echo "nosuchkind-up is a variant"; return 1; }
}
check "configs/kinds: each kind's patch stack exists, KIND-up is a variant" kinds_ok
# The stage table is well-formed, and a malformed one is refused, each
# fault named.
# shellcheck disable=SC2015  # A && B || C: C is the failure branch, for A or B failing
stages_ok() {
	"$TOP/scripts/stage" --check >/dev/null || return 1
	printf '%s\n' '# a table with every fault' \
		'a  patched-up  1  all  pass  -' 'a  patched-up  1  all  pass  -' \
		'b  patched-up  1  all  pass' 'c  patched-up  x  all  pass  -' \
		'd  patched-up  1  all  maybe  -' 'e  patched-up  1  all  pass  yes' \
		'f  nosuch-up  1  all  pass  -' >"$tmp/stages"
	rc=0
	FUTEX_COW_STAGES=$tmp/stages "$TOP/scripts/stage" --check \
		>"$tmp/st.out" 2>&1 || rc=$?
	[ $rc = 1 ] && grep -q ': stage a twice' "$tmp/st.out" &&
	grep -q ': 5 fields, want 6' "$tmp/st.out" &&
	grep -q ': CPUS x' "$tmp/st.out" && grep -q ': EXPECT maybe' "$tmp/st.out" &&
	grep -q ': PREFIXES yes' "$tmp/st.out" &&
	grep -q 'unknown variant nosuch-up' "$tmp/st.out" ||
		{ cat "$tmp/st.out"; echo "exit $rc"; return 1; }
}
check "configs/stages is well-formed; a malformed table is refused, each fault named" stages_ok

# series_id: the code of the series, not the wording of its descriptions.
series_id_code() {
	d=$tmp/sid
	mkdir -p "$d"
	printf 'a.patch\n' >"$d/series"
	printf 'one: x\n\nWords.\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n' \
		>"$d/a.patch"
	i1=$(series_id "$d/series" "$d")
	sed 's/^Words\.$/Other words./' "$d/a.patch" >"$d/b" && mv "$d/b" "$d/a.patch"
	i2=$(series_id "$d/series" "$d")
	sed 's/^+b$/+c/' "$d/a.patch" >"$d/b" && mv "$d/b" "$d/a.patch"
	i3=$(series_id "$d/series" "$d")
	# shellcheck disable=SC2015  # A && B || C: C is the failure branch
	[ "$i1" = "$i2" ] && [ "$i2" != "$i3" ] ||
		{ echo "ids: $i1 (first) $i2 (reworded) $i3 (new diff)"; return 1; }
}
check "series_id: a reworded description keeps it, another diff changes it" \
	series_id_code
refuses "boot-test refuses an unknown variant" "unknown variant 'x'" \
	"$TOP/scripts/boot-test" x
refuses "boot-test refuses a --duration that is not seconds" \
	"--duration wants seconds" "$TOP/scripts/boot-test" --duration 10m patched-up

# A PATH with everything but quilt.
mkdir -p "$tmp/bin"
for d in /usr/local/bin /usr/bin /bin; do
	for f in "$d"/*; do
		b=$(basename -- "$f")
		[ "$b" = quilt ] || [ -e "$tmp/bin/$b" ] || ln -s "$f" "$tmp/bin/$b"
	done
done
refuses "build names a missing tool" "missing tool 'quilt'" \
	env PATH="$tmp/bin" "$TOP/scripts/build" patched-up

# The committed .checkpatch.conf (checkpatch.pl run by hand) is what
# make checkpatch-conf writes from scripts/check-series.
checkpatch_conf() {
	"$TOP/scripts/check-series" --checkpatch-conf >"$tmp/cpconf" || return 1
	diff -u "$TOP/.checkpatch.conf" "$tmp/cpconf" ||
		{ echo "run make checkpatch-conf"; return 1; }
}
check ".checkpatch.conf is what scripts/check-series --checkpatch-conf writes" \
	checkpatch_conf

# lib.sh's cleanup: on exit the exit status is kept and read-only trees
# are removed, and each command runs once; on HUP too.
cleanup_lib() {
	d=$tmp/cl
	mkdir -p "$d"
	cat >"$d/t" <<EOF
#!/bin/sh
set -eu
. "$TOP/scripts/lib.sh"
w=\$(mktemp -d "$d/w.XXXXXX")
cleanup_add "\$w"
mkdir "\$w/ro"
touch "\$w/ro/f"
chmod a-w "\$w/ro"
on_exit 'echo once >>"$d/count"'
echo started >"$d/started"
case \$1 in
exit) exit 3 ;;
wait) sleep 60 ;;
esac
EOF
	rc=0
	sh "$d/t" exit || rc=$?
	[ $rc = 3 ] || { echo "exit $rc, want 3"; return 1; }
	[ "$(cat "$d/count")" = once ] || { echo "ran: $(cat "$d/count")"; return 1; }
	[ -z "$(ls -d "$d"/w.* 2>/dev/null)" ] || { echo "left: $(ls -d "$d"/w.*)"; return 1; }
	rm -f "$d/count" "$d/started"
	signalled HUP 129 "$d/started" sh "$d/t" wait || return 1
	[ "$(cat "$d/count")" = once ] || { echo "on HUP ran: $(cat "$d/count")"; return 1; }
	[ -z "$(ls -d "$d"/w.* 2>/dev/null)" ] || { echo "left after HUP: $(ls -d "$d"/w.*)"; return 1; }
}

# signalled SIG STATUS FILE COMMAND...: start COMMAND in a process group
# of its own with INT, HUP and TERM at their defaults (perl: a background
# job of a script ignores INT, nohup ignores HUP, and a shell cannot trap
# a signal ignored on entry); once FILE exists, send SIG to the group, as
# Ctrl-C does; COMMAND must end with STATUS.
signalled() {
	_sig=$1 _want=$2 _file=$3
	shift 3
	perl -e '$SIG{$_} = "DEFAULT" for qw(INT HUP TERM); setpgrp(0, 0); exec @ARGV or die "exec: $!"' \
		"$@" >"$tmp/sig.out" 2>&1 </dev/null &
	_pid=$!
	_i=0
	while [ ! -e "$_file" ]; do
		_i=$((_i + 1))
		if [ $_i -gt 300 ]; then
			kill -s KILL -- "-$_pid" 2>/dev/null || :
			echo "$_file never appeared"
			cat "$tmp/sig.out"
			return 1
		fi
		sleep 0.1
	done
	kill -s "$_sig" -- "-$_pid"
	_rc=0
	wait "$_pid" || _rc=$?
	[ "$_rc" = "$_want" ] ||
		{ cat "$tmp/sig.out"; echo "SIG$_sig: exit $_rc, want $_want"; return 1; }
}
check "lib.sh cleanup: exit status kept, read-only tree removed, once; on HUP too" \
	cleanup_lib

# check-series interrupted (SIGINT, as Ctrl-C; SIGTERM) while checkpatch
# runs (a stand-in that waits) removes its temporary directory, which in
# a full run holds a copy of the kernel tree.
interrupted() {
	d=$tmp/int-$1
	mkdir -p "$d/tmp" "$d/patches"
	printf 'one.patch\n' >"$d/series"
	printf 'test: one\n\nAdds a variable.\n--- a/kernel/one.c\n+++ b/kernel/one.c\n@@ -1,1 +1,2 @@\n /* one */\n+int one_x;\n' \
		>"$d/patches/one.patch"
	printf 'open(F, ">", "%s/started") or die; close(F); sleep 60;\n' "$d" \
		>"$d/slow.pl"
	signalled "$1" "$2" "$d/started" env TMPDIR="$d/tmp" \
		"$TOP/scripts/check-series" --series "$d/series" \
		--patches "$d/patches" --style-only --checkpatch "$d/slow.pl" \
		--logs "$d/logs" || return 1
	[ -z "$(ls -A "$d/tmp")" ] ||
		{ echo "left in TMPDIR:"; ls -A "$d/tmp"; return 1; }
}
check "check-series stopped by SIGINT: its temporary directory is removed" \
	interrupted INT 130
check "check-series stopped by SIGTERM: its temporary directory is removed" \
	interrupted TERM 143

# make check-host: no kernel builds or boots, whatever the cache holds.
why=
if [ "${FUTEX_COW_HOST_ONLY:-}" = 1 ]; then
	why="make check-host (FUTEX_COW_HOST_ONLY=1): no kernel stages"
elif ! "$TOP/scripts/get-kernel" >/dev/null 2>&1; then
	why="no Linux $KVER tree"
fi
if [ -n "$why" ]; then
	for name in "build stops at a patch that does not apply" \
	    "the half-patched work tree was removed" \
	    "boot-test reports a guest that panics" \
	    "boot-test kills a guest that hangs"; do
		n=$((n + 1))
		echo "ok $n - $name # SKIP $why"
	done
	[ $failed = 0 ]
	exit
fi

# A series whose second patch does not apply.
mkdir -p "$tmp/series"
cp "$TOP/patches/"*.patch "$tmp/series/" 2>/dev/null || true
cat >"$tmp/series/broken.patch" <<'EOF'
This patch does not apply: its context is not in 2.5.38.

--- a/kernel/futex.c
+++ b/kernel/futex.c
@@ -1,3 +1,4 @@
 this line is not in kernel/futex.c
+nor is this one
 and neither
 is this
EOF
{ series_names "$TOP/series" | head -n 1
  echo broken.patch; } >"$tmp/series/series"
refuses "build stops at a patch that does not apply" \
	"patch broken.patch does not apply" \
	"$TOP/scripts/build" --tree test-broken --series "$tmp/series/series" \
	--patches "$tmp/series" patched-up
check "the half-patched work tree was removed" \
	test ! -e "$CACHE/build/test-broken/linux"
rm -rf "$CACHE/build/test-broken"

# A guest that cannot mount its root panics; boot-test says so, fast.
refuses "boot-test reports a guest that panics" "Kernel panic" \
	"$TOP/scripts/boot-test" --timeout 120 --log "$tmp/panic.log" \
	--append "root=/dev/hda9" patched-up
# A guest that never finishes (one test repeated for ever) is killed.
refuses "boot-test kills a guest that hangs" "guest hung: killed after 20s" \
	"$TOP/scripts/boot-test" --no-build --timeout 20 --log "$tmp/hang.log" \
	--tests basic_timeout --args repeat=100000 patched-up
[ $failed = 0 ]
