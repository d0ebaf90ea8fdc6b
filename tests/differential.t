#!/bin/sh
# differential.t: vanilla 2.5.38 and the series, compared on the guest's
# bad-input table.  TAP.
#
# Boots vanilla-up and patched-up side by side, then vanilla-smp and
# patched-smp (2 CPUs) side by side (scripts/boot-test builds them if
# needed), with tests=diff: the guest test diff_table prints one
# "# DIFF <case> <result>" line per case (tests/guest/tests/diff.c).  The
# two tables of each pair must be identical except for the differences
# listed in
# tests/differential.expected ("case vanilla patched section why...";
# one file for UP and SMP):
# an unlisted difference fails, and so does a listed one that did not
# occur or came out otherwise, so that the list stays exact.  Every
# listed difference must also be in the table of its section in
# Documentation/futex-differences.txt, and that document may list no
# other.  The consoles are kept in results/logs/diff-VARIANT.log.
# Without a 2.5.38 tree it says SKIP, like kernel.t.
set -eu
LC_ALL=C	# sort, comm and join must agree on the order
export LC_ALL
TOP=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
# shellcheck source=../scripts/lib.sh
. "$TOP/scripts/lib.sh"
ME=differential.t
EXPECTED=$TOP/tests/differential.expected
DOC=$TOP/Documentation/futex-differences.txt

if ! out=$("$TOP/scripts/get-kernel" 2>&1); then
	why=$(printf '%s\n' "$out" | tail -n 1)
	echo "1..0 # SKIP no Linux $KVER tree: $why"
	exit 0
fi

tmp=$(mktemp -d)
cleanup_add "$tmp"
# Interrupted: stop the boot-tests running in the background (they
# ignore SIGINT, as background jobs of a script do).
# shellcheck disable=SC2016  # expanded when on_exit runs it, as a trap's
on_exit 'for f in "$tmp"/*.pid; do [ ! -f "$f" ] || kill "$(cat "$f")" 2>/dev/null; done'
logdir=$TOP/results/logs
mkdir -p "$logdir"
# shellcheck source=tap.sh
. "$TOP/tests/tap.sh"

# diag FILE: a file as TAP diagnostics, at most 60 lines of it
diag() {
	sed -e 's/^/# /' -e '60q' "$1"
	[ "$(wc -l <"$1")" -le 60 ] || echo "# ... ($(wc -l <"$1") lines)"
}

echo "1..11"

# The expected list and the document agree, both ways, section by section
# (no kernel needed for this one).
awk '!/^[[:space:]]*(#|$)/ { print $1, $2, $3, $4 }' "$EXPECTED" |
	sort >"$tmp/expected"
awk '
	/\(section [a-z-]+\)/ {
		sec = $0
		sub(/.*\(section /, "", sec)
		sub(/\).*/, "", sec)
	}
	/^    [a-z0-9][a-z0-9.-]*\.[a-z0-9.-]+ +[^ ]+ +[^ ]+ *$/ {
		print $1, $2, $3, sec
	}' "$DOC" | sort >"$tmp/doc"
comm -23 "$tmp/expected" "$tmp/doc" | sed 's/^/not in the document: /' \
	>"$tmp/d1"
comm -13 "$tmp/expected" "$tmp/doc" | sed 's/^/not in the expected file: /' \
	>"$tmp/d2"
cat "$tmp/d1" "$tmp/d2" >"$tmp/docdiff"
if [ -s "$tmp/expected" ] && [ ! -s "$tmp/docdiff" ]; then
	ok "Documentation/futex-differences.txt lists the $(wc -l <"$tmp/expected") expected differences, in their sections"
else
	not_ok "Documentation/futex-differences.txt and tests/differential.expected agree"
	diag "$tmp/docdiff"
fi

# The guest programs once, so that the two boot-tests' mkinitrd do not
# build them at the same time.
if ! make -s -C "$TOP/tests/guest" >"$tmp/make.log" 2>&1; then
	diag "$tmp/make.log"
	for what in "vanilla-up: the table" "patched-up: the table" \
	    "up: same cases" "up: no unlisted difference" \
	    "up: every listed difference" "vanilla-smp: the table" \
	    "patched-smp: the table" "smp: same cases" \
	    "smp: no unlisted difference" "smp: every listed difference"; do
		not_ok "$what (the guest programs do not build)"
	done
	exit 1
fi

# boot_pair CONFIG [--cpus N]: vanilla-CONFIG and patched-CONFIG side by
# side; then "the table is complete" for each.
boot_pair() {
	c=$1
	shift
	for v in vanilla-$c patched-$c; do
		"$TOP/scripts/boot-test" --tests diff "$@" \
			--log "$logdir/diff-$v.log" "$v" >"$tmp/$v.out" 2>&1 &
		echo $! >"$tmp/$v.pid"
	done
	for v in vanilla-$c patched-$c; do
		rc=0
		wait "$(cat "$tmp/$v.pid")" || rc=$?
		rm -f "$tmp/$v.pid"
		tr -d '\r' <"$logdir/diff-$v.log" 2>/dev/null |
			sed -n 's/^# DIFF \([^ ]*\) \(.*\)$/\1 \2/p' | sort >"$tmp/$v.tab"
		end=$(tr -d '\r' <"$logdir/diff-$v.log" 2>/dev/null |
			sed -n 's/^# DIFF-END \([0-9]*\) cases.*/\1/p')
		dups=$(cut -d' ' -f1 "$tmp/$v.tab" | uniq -d | head -n 3 | tr '\n' ' ')
		if [ $rc = 0 ] && [ -n "$end" ] &&
		    [ "$end" = "$(wc -l <"$tmp/$v.tab")" ] && [ -z "$dups" ]; then
			ok "$v: the table is complete ($end cases)"
		else
			not_ok "$v: the table is complete (boot-test exit $rc, ${end:-no} DIFF-END, $(wc -l <"$tmp/$v.tab") lines${dups:+, duplicate cases $dups})"
			diag "$tmp/$v.out"
		fi
	done
}

# compare CONFIG: the tables of vanilla-CONFIG and patched-CONFIG against
# the expected differences (the same file for every config).
compare() {
	va=$tmp/vanilla-$1.tab
	pa=$tmp/patched-$1.tab
	# Same cases on both sides.
	cut -d' ' -f1 "$va" >"$tmp/vcases"
	cut -d' ' -f1 "$pa" >"$tmp/pcases"
	comm -3 "$tmp/vcases" "$tmp/pcases" >"$tmp/onlyone"
	if [ -s "$tmp/vcases" ] && [ ! -s "$tmp/onlyone" ]; then
		ok "$1: both kernels ran the same $(wc -l <"$tmp/vcases") cases"
	else
		not_ok "$1: both kernels ran the same cases"
		awk -F'\t' '{ print $1 == "" ? "patched only: " $2 : "vanilla only: " $1 }' \
			"$tmp/onlyone" >"$tmp/onlyone.txt"
		diag "$tmp/onlyone.txt"
	fi

	# The differences: "case vanilla patched"
	join "$va" "$pa" | awk '$2 != $3 { print $1, $2, $3 }' >"$tmp/got"
	cut -d' ' -f1-3 "$tmp/expected" | sort >"$tmp/want"
	comm -23 "$tmp/got" "$tmp/want" >"$tmp/unlisted"
	if [ ! -s "$tmp/unlisted" ]; then
		ok "$1: no difference that tests/differential.expected does not list ($(wc -l <"$tmp/got") differences)"
	else
		not_ok "$1: no difference that tests/differential.expected does not list ($(wc -l <"$tmp/unlisted") unlisted: deliberate? then list and document it; if not, it is a bug)"
		awk '{ printf "unlisted: %s  vanilla %s  patched %s\n", $1, $2, $3 }' \
			"$tmp/unlisted" >"$tmp/unlisted.txt"
		diag "$tmp/unlisted.txt"
	fi
	comm -13 "$tmp/got" "$tmp/want" >"$tmp/missing"
	if [ ! -s "$tmp/missing" ]; then
		ok "$1: every listed difference occurred, as listed ($(wc -l <"$tmp/want"))"
	else
		not_ok "$1: every listed difference occurred, as listed ($(wc -l <"$tmp/missing") did not)"
		while read -r c v p; do
			vg=$(awk -v c="$c" '$1 == c { $1 = ""; print substr($0, 2) }' "$va")
			pg=$(awk -v c="$c" '$1 == c { $1 = ""; print substr($0, 2) }' "$pa")
			echo "listed: $c  vanilla $v  patched $p; got vanilla ${vg:-(none)}  patched ${pg:-(none)}"
		done <"$tmp/missing" >"$tmp/missing.txt"
		diag "$tmp/missing.txt"
	fi
}

# UP, then SMP with 2 CPUs (one pair of guests at a time).
boot_pair up
compare up
boot_pair smp --cpus 2
compare smp
[ $failed = 0 ]
