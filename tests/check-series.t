#!/bin/sh
# check-series.t: scripts/check-series passes the real series (every
# prefix applies, builds in the variants of configs/stages marked
# "bisect" (UP and SMP), and boots the basic tests; the style checks of
# scripts/check-style pass), and fails, naming the patch and the stage,
# on copies of the series broken on purpose.  TAP.
#
# Tests 1-7 need no kernel tree.  The rest need the pristine tree and
# say SKIPPED without it.  Work trees are cached (check-<k>-<CONFIG> for
# the real series, check-broken-<k>-<CONFIG> for the broken copy), so
# after the first run only what changed is rebuilt.
set -eu
TOP=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
# shellcheck source=../scripts/lib.sh
. "$TOP/scripts/lib.sh"
ME=check-series.t
CS=$TOP/scripts/check-series
STYLE=$TOP/scripts/check-style
# shellcheck source=tap.sh
. "$TOP/tests/tap.sh"
tap_scratch

# run_cs OUT ARGS...: run check-series; its exit status in $rc, its
# output in OUT, and the last stderr line in OUT.last.
run_cs() {
	o=$1
	shift
	rc=0
	"$CS" "$@" >"$o" 2>"$o.err" </dev/null || rc=$?
	tail -n 1 "$o.err" >"$o.last"
	cat "$o.err" >>"$o"
}

names=$(series_names "$TOP/series")
second=$(printf '%s\n' "$names" | sed -n 2p)
third=$(printf '%s\n' "$names" | sed -n 3p)

# copy DIR: the series and its patches, in DIR/series and DIR/patches.
copy() {
	mkdir -p "$1/patches"
	printf '%s\n' "$names" >"$1/series"
	for p in $names; do
		cp "$TOP/patches/$p" "$1/patches/"
	done
}

tap_plan 10

usage() {
	"$CS" --help | grep -q -- '--no-boot' &&
	run_cs "$tmp/u" --bogus && [ "$rc" != 0 ] &&
	grep -q "error: unknown argument '--bogus'" "$tmp/u.last" || return 1
	for s in check-style get-checkpatch; do
		"$TOP/scripts/$s" --help | grep -q '^usage: ' || return 1
		rc=0
		"$TOP/scripts/$s" --bogus >"$tmp/u" 2>&1 || rc=$?
		# shellcheck disable=SC2015  # A && B || C: C is the failure branch, for A or B failing
		[ $rc = 1 ] && [ "$(wc -l <"$tmp/u")" = 1 ] &&
		grep -q "^$s: error: unknown argument '--bogus'" "$tmp/u" ||
			{ cat "$tmp/u"; echo "$s: exit $rc"; return 1; }
	done
}
check "--help, and an unknown option is refused in one line (all three)" usage

# Every rule check-style ignores is explained in submitting.txt;
# check-series --ignored says the same.
documented() {
	"$STYLE" --ignored >"$tmp/ign"
	[ -s "$tmp/ign" ] || return 1
	"$CS" --ignored | cmp -s - "$tmp/ign" ||
		{ echo "check-series --ignored differs"; return 1; }
	# shellcheck disable=SC2013  # rule names, one word each
	for r in $(awk '{ print $1 }' "$tmp/ign"); do
		grep -q "$r" "$TOP/Documentation/submitting.txt" ||
			{ echo "$r is not in Documentation/submitting.txt"; return 1; }
		awk -v r="$r" '$1 == r && NF < 4 { exit 1 }' "$tmp/ign" ||
			{ echo "$r has no reason"; return 1; }
	done
}
check "each ignored checkpatch rule has a reason and is documented" documented

# A copy of the series whose third patch gains trailing whitespace, a
# space-indented C line and a long line, on + lines (same line count).
style_broken() {
	d=$tmp/style
	copy "$d"
	awk '
	/^\+\+\+ / { c = ($2 ~ /\.[ch]$/) }
	c && /^\+\t[a-z]/ && !done[1] { sub(/$/, " "); done[1] = 1; print; next }
	c && /^\+\t[a-z]/ && !done[2] { sub(/^\+\t/, "+        "); done[2] = 1; print; next }
	c && /^\+\t[a-z]/ && !done[3] { $0 = $0 "  /* a comment that takes this line past eighty columns, on purpose, for the test */"; done[3] = 1; print; next }
	{ print }' "$TOP/patches/$third" >"$d/patches/$third"
	run_cs "$tmp/s" --series "$d/series" --patches "$d/patches" \
		--style-only --no-checkpatch --logs "$tmp/slogs"
	[ $rc != 0 ] || { cat "$tmp/s"; echo "exit 0"; return 1; }
	for what in "trailing whitespace" "spaces in the indent" "columns (over 80)"; do
		grep -q "^  $third:[0-9]*: [^ ]*:[0-9]*: .*$what" "$tmp/s" ||
			{ cat "$tmp/s"; echo "no '$what' for $third"; return 1; }
	done
	grep -E "^ 3  $third +- .* FAIL 3" "$tmp/s" >/dev/null ||
		{ cat "$tmp/s"; echo "row 3 does not say FAIL 3"; return 1; }
}
check "style: trailing whitespace, space indent, long line found in patch 3" style_broken

# check-style alone on that patch: one line per finding, then the
# summary, exit 2; on a clean patch exit 0.
style_alone() {
	rc=0
	"$STYLE" --no-checkpatch "$tmp/style/patches/$third" >"$tmp/sa" 2>&1 || rc=$?
	[ $rc = 2 ] || { cat "$tmp/sa"; echo "exit $rc, want 2"; return 1; }
	# shellcheck disable=SC2015  # A && B || C: C is the failure branch, for A or B failing
	[ "$(grep -c "^style: $third:[0-9]*: " "$tmp/sa")" = 3 ] &&
	grep -q '^style FAIL 3$' "$tmp/sa" && grep -q '^checkpatch -$' "$tmp/sa" ||
		{ cat "$tmp/sa"; return 1; }
	"$STYLE" --no-checkpatch "$TOP/patches/$third" >"$tmp/sa" 2>&1 ||
		{ cat "$tmp/sa"; return 1; }
	[ "$(cat "$tmp/sa")" = "style ok
checkpatch -" ] || { cat "$tmp/sa"; return 1; }
}
check "check-style alone: findings, summary, exit 2; a clean patch: exit 0" style_alone

# The table's build and boot columns are the rows of configs/stages
# marked bisect ("UP build", "SMP build", "boot UP/SMP" today).
columns() {
	want=
	boots=
	for c in $(stage_rows | awk -F'\t' '$6 == "bisect" && !s[$2]++ { sub(/^patched-/, "", $2); print toupper($2) }'); do
		want="$want  *$c build"
		boots="$boots${boots:+/}$c"
	done
	[ -n "$want" ] || { echo "no bisect row in configs/stages"; return 1; }
	grep -q -E "^ #  patch +applies$want +boot $boots +style +checkpatch$" \
		"$tmp/slogs/report.txt" || { cat "$tmp/slogs/report.txt"; return 1; }
}
check "the table's build and boot columns come from configs/stages" columns

# Offline: checkpatch cannot be fetched -> SKIPPED, loudly, and the rest
# still counts.  A one-patch series that is clean, a cache of its own,
# and an apt-get that cannot reach its archive.
offline() {
	d=$tmp/offline
	mkdir -p "$d/patches" "$d/bin" "$d/cache"
	printf 'clean.patch\n' >"$d/series"
	cat >"$d/patches/clean.patch" <<'EOF'
test: a clean patch

Adds a variable.
--- a/kernel/clean.c
+++ b/kernel/clean.c
@@ -1,1 +1,2 @@
 /* clean */
+int clean_x;
EOF
	printf '#!/bin/sh\necho "E: Failed to fetch: Temporary failure resolving" >&2\nexit 100\n' \
		>"$d/bin/apt-get"
	chmod +x "$d/bin/apt-get"
	rc=0
	env PATH="$d/bin:$PATH" FUTEX_COW_CACHE="$d/cache" "$CS" \
		--series "$d/series" --patches "$d/patches" --style-only \
		--logs "$d/logs" >"$d/out" 2>&1 </dev/null || rc=$?
	[ $rc = 0 ] || { cat "$d/out"; echo "exit $rc"; return 1; }
	# shellcheck disable=SC2015  # A && B || C: C is the failure branch, for A or B failing
	grep -q '^\*\*\* SKIPPED: checkpatch did not run' "$d/out" &&
	grep -q -E '^ 1  clean.patch .* ok +SKIPPED$' "$d/out" &&
	grep -q 'checkpatch was SKIPPED' "$d/out" ||
		{ cat "$d/out"; return 1; }
}
check "checkpatch unreachable: SKIPPED loudly, own style checks still run" offline

# The style checks on the real series (checkpatch fetched once into the
# cache) find nothing: no own style finding, and no checkpatch finding
# whose rule is not in the documented ignore list (--ignored), read
# from the logs here, not only from the exit status.
cpatch() {
	run_cs "$tmp/c" --style-only --logs "$tmp/clogs"
	cat "$tmp/c"
	ign=$("$CS" --ignored | awk '{ print $1 }' | paste -sd'|' -)
	cat "$tmp/clogs"/style-*.log >"$tmp/cfind" 2>/dev/null || true
	cat "$tmp/clogs"/checkpatch-*.log 2>/dev/null |
		grep -E ': (ERROR|WARNING|CHECK):' |
		grep -v -E ": (ERROR|WARNING|CHECK):($ign):" >>"$tmp/cfind" || true
	if [ -s "$tmp/cfind" ]; then
		echo "findings not in the ignore list (check-series --ignored):"
		cat "$tmp/cfind"
		return 1
	fi
	[ $rc = 0 ] && ! grep -q -E '^ *[0-9]+  .*FAIL' "$tmp/c"
}
check "style checks of the real series: no finding outside the documented ignore list" cpatch

# The rest needs the kernel tree.
if ! out=$("$TOP/scripts/get-kernel" 2>&1); then
	why=$(printf '%s\n' "$out" | tail -n 1)
	skip_rest "no Linux $KVER tree: $why"
	cat >&2 <<EOF

*** SKIPPED: check-series builds and boots did not run:
*** $why
*** Set KERNEL_GIT=<kernel history git> or KERNEL_TARBALL=<linux-$KVER.tar.bz2>.

EOF
	[ $failed = 0 ]
	exit
fi

# 8: the real series, all stages, with boots.
# The lines of the report that scripts/mkmail reads are there.
real() {
	run_cs "$tmp/r" --logs "$tmp/rlogs"
	cat "$tmp/r"
	[ $rc = 0 ] || return 1
	st=$(stage_rows | awk -F'\t' '$6 == "bisect" && !s[$2]++ { sub(/^patched-/, "", $2); printf " %s-build", toupper($2) }')
	c=$tmp/rlogs/report.txt
	# shellcheck disable=SC2015  # A && B || C: C is the failure branch, for A or B failing
	head -n 1 "$c" | grep -q -E "^check-series, [0-9-]+ [0-9:]+ UTC: $(printf '%s\n' "$names" | wc -l) patches, " &&
	grep -q -x "series-id: $(series_id "$TOP/series" "$TOP/patches")" "$c" &&
	grep -q -x -E "stages: applies$st boot style checkpatch(-SKIPPED)?" "$c" &&
	grep -q -x "all stages passed" "$c" && ! grep -q '^FAILED:' "$c" ||
		{ echo "the report lacks a line mkmail reads"; return 1; }
}
check "the real series: each prefix applies, builds UP+SMP, boots; style ok" real

# 9: a copy whose second patch does not build: a + line of a .c file
# gets a syntax error (same line count, so it still applies).
build_broken() {
	d=$tmp/broken
	copy "$d"
	awk '
	/^\+\+\+ / { c = ($2 ~ /\.c$/) }
	c && !done && /^\+.*\);$/ { sub(/\);$/, ") BROKEN_ON_PURPOSE;"); done = 1 }
	{ print }' "$TOP/patches/$second" >"$d/patches/$second"
	grep -q BROKEN_ON_PURPOSE "$d/patches/$second" || return 1
	run_cs "$tmp/b" --series "$d/series" --patches "$d/patches" \
		--no-style --no-boot --trees check-broken --logs "$tmp/blogs"
	cat "$tmp/b"
	[ $rc != 0 ] &&
	grep -q "error: patch 2 ($second): UP build: .*BROKEN_ON_PURPOSE" "$tmp/b.last" &&
	grep -E "^ 1  .* ok\*? [0-9]+s +ok [0-9]+s +ok [0-9]+s " "$tmp/b" >/dev/null &&
	grep -E "^ 2  $second +ok\*? [0-9]+s +FAIL [0-9]+s +FAIL [0-9]+s " "$tmp/b" >/dev/null &&
	grep -E "^ 3  .* +- +- +- " "$tmp/b" >/dev/null
}
check "patch 2 broken on purpose: FAIL naming patch 2, UP build; 1 ok; 3.. not built" build_broken

# 10: a copy whose third patch does not apply at fuzz 0 (a context line
# changed), which patch(1) at its default fuzz would still apply.
apply_broken() {
	d=$tmp/noapply
	copy "$d"
	awk '
	/^@@ / { h++ }
	h == 1 && !done && /^ [^ ]/ { $0 = " " substr($0, 2) " changed"; done = 1 }
	{ print }' "$TOP/patches/$third" >"$d/patches/$third"
	run_cs "$tmp/a" --series "$d/series" --patches "$d/patches" \
		--no-build --no-style --logs "$tmp/alogs"
	cat "$tmp/a"
	[ $rc != 0 ] &&
	grep -q "error: patch 3 ($third): applies: " "$tmp/a.last" &&
	grep -E "^ 2  $second +ok\*? " "$tmp/a" >/dev/null &&
	grep -E "^ 3  $third +FAIL " "$tmp/a" >/dev/null
}
check "patch 3 does not apply at fuzz 0: FAIL naming patch 3, applies" apply_broken

[ $failed = 0 ]
