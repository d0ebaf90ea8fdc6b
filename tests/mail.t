#!/bin/sh
# mail.t: scripts/mkmail writes an mbox that git am turns into exactly
# the tree quilt makes of the series.  TAP.
#
# Without a kernel tree: the mbox checks (threading, headers, only the
# LKML series, honest "not run") still run; the round trip through git am
# says SKIPPED, loudly.
set -eu
TOP=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
# shellcheck source=../scripts/lib.sh
. "$TOP/scripts/lib.sh"
ME=mail.t
# shellcheck source=tap.sh
. "$TOP/tests/tap.sh"
tap_scratch

names=$(series_names "$TOP/series")
total=$(printf '%s\n' "$names" | wc -l)
mbox=$tmp/series.mbox
FROM="A Hacker <hacker@example.org>"

echo "1..14"

# 1-6: the mbox itself, from empty results (nothing was run).
mkdir -p "$tmp/noresults"
mk() {
	"$TOP/scripts/mkmail" --from "$FROM" --results "$tmp/noresults" \
		--out "$mbox" >"$tmp/mkmail.out" 2>&1 || {
		cat "$tmp/mkmail.out"; return 1; }
	[ "$(tail -n 1 "$tmp/mkmail.out")" = "$mbox" ] ||
		{ echo "last line is not the mbox path"; return 1; }
	grep -q 'git send-email' "$tmp/mkmail.out" ||
		{ echo "no git send-email command printed"; return 1; }
}
check "mkmail writes an mbox and prints its path last" mk

subjects() {
	got=$(grep '^Subject: ' "$mbox" | sed 's/^Subject: //')
	want=$( { echo "[PATCH 0/$total] 2.5.38: futex wakeups lost to copy-on-write"
		k=0
		for p in $names; do
			k=$((k + 1))
			echo "[PATCH $k/$total] $(head -n 1 "$TOP/patches/$p")"
		done; } )
	[ "$got" = "$want" ] || { printf 'got:\n%s\nwant:\n%s\n' "$got" "$want"; return 1; }
	[ "$(grep -c '^From futex-cow ' "$mbox")" = $((total + 1)) ]
}
check "one cover letter and $total patch mails, subjects [PATCH k/$total]" subjects

threading() {
	ids=$(grep '^Message-Id: ' "$mbox" | sed 's/^Message-Id: //')
	[ "$(printf '%s\n' "$ids" | sort -u | wc -l)" = $((total + 1)) ] ||
		{ echo "Message-Ids not unique: $ids"; return 1; }
	cover=$(printf '%s\n' "$ids" | head -n 1)
	# shellcheck disable=SC2015  # A && B || C: C is the failure branch, for A or B failing
	[ "$(grep -c "^In-Reply-To: $cover\$" "$mbox")" = "$total" ] &&
	[ "$(grep -c "^References: $cover\$" "$mbox")" = "$total" ] ||
		{ echo "k/N not threaded under $cover"; return 1; }
	[ "$(grep -c "^From: $FROM\$" "$mbox")" = $((total + 1)) ] &&
	[ "$(grep -c '^Date: ' "$mbox")" = $((total + 1)) ] &&
	[ "$(grep -c '^To: linux-kernel@vger.kernel.org$' "$mbox")" = $((total + 1)) ] &&
	grep -q '^Cc: Linus Torvalds <torvalds@transmeta.com>,$' "$mbox" &&
	grep -q '^    Ingo Molnar <mingo@elte.hu>,$' "$mbox" &&
	grep -q '^    Rusty Russell <rusty@rustcorp.com.au>$' "$mbox" &&
	! grep -qi -E '^Content-Type: multipart|^Content-Disposition' "$mbox"
}
check "From/Date/To/Cc headers; k/N threaded under 0/N; no attachments" threading

# The files the mbox patches are those the LKML series patches: no
# compat/ or debug/ patch leaks in.
onlylkml() {
	for p in $names; do
		sed -n 's/^+++ \([^[:space:]]*\).*/\1/p' "$TOP/patches/$p"
	done | sort >"$tmp/want.files"
	sed -n 's/^+++ \([^[:space:]]*\).*/\1/p' "$mbox" | sort >"$tmp/got.files"
	diff "$tmp/want.files" "$tmp/got.files" || return 1
	for d in compat debug; do
		for p in $(series_names "$TOP/patches/$d/series" 2>/dev/null); do
			! grep -q -F "$(head -n 1 "$TOP/patches/$d/$p")" "$mbox" ||
				{ echo "$d/$p is in the mbox"; return 1; }
		done
	done
}
check "only the LKML series is in the mbox (no compat/, no debug/)" onlylkml

notrun() {
	[ "$(grep -c -E '\(scripts/(run|check-series|bench)\): not run\.$' "$mbox")" = 3 ] &&
	[ "$(grep -c -E '^ [0-9]+ files? changed' "$mbox")" = $((total + 1)) ]
}
check "with no results, the cover letter says 'not run' for run, check-series, bench" notrun

overrides() {
	"$TOP/scripts/mkmail" --from "$FROM" --results "$tmp/noresults" \
		--out "$tmp/o.mbox" --to "someone@example.net" \
		--cc "X <x@example.net>" --cc "y@example.net" >"$tmp/o.out" 2>&1 &&
	[ "$(grep -c '^To: someone@example.net$' "$tmp/o.mbox")" = $((total + 1)) ] &&
	[ "$(grep -c '^Cc: X <x@example.net>,$' "$tmp/o.mbox")" = $((total + 1)) ] &&
	! grep -q torvalds "$tmp/o.mbox" &&
	grep -q "^      --cc='y@example.net'" "$tmp/o.out" &&
	"$TOP/scripts/mkmail" --from "$FROM" --results "$tmp/noresults" \
		--out "$tmp/o.mbox" --no-cc >/dev/null 2>&1 &&
	! grep -q '^Cc:' "$tmp/o.mbox"
}
check "--to, --cc and --no-cc replace the default addressees" overrides

# 7: no From: without git config or --from.
nofrom() {
	rc=0
	env HOME="$tmp" XDG_CONFIG_HOME="$tmp" GIT_CONFIG_NOSYSTEM=1 \
		"$TOP/scripts/mkmail" --out "$tmp/x.mbox" >"$tmp/x.out" 2>&1 || rc=$?
	[ $rc != 0 ] && tail -n 1 "$tmp/x.out" | grep -q 'error: no From: address' &&
		[ ! -e "$tmp/x.mbox" ]
}
if git -C "$TOP" config --local user.email >/dev/null 2>&1; then
	n=$((n + 1))
	echo "ok $n - # SKIP user.email is set in the checkout's own git config"
else
	check "no From: (no git config, no --from) is refused in one line" nofrom
fi

# 8: figures come from results/ when they are there.
withresults() {
	r=$tmp/results
	mkdir -p "$r/check-series"
	cat >"$r/report.txt" <<'EOF'
futex-cow report, 2002-09-23 12:00 UTC
series-id: 0000000000000000

Guest tests, per kernel
  kernel       CPUs  tests  expect  result  ok  not ok  todo  plan  time
  patched-up   1     all    pass    PASS    31  0       0     31    5s

total 95s, 0 stage(s) failed
EOF
	sid=$(series_id "$TOP/series" "$TOP/patches")
	cat >"$r/check-series/report.txt" <<EOF
check-series, 2002-09-23 12:00 UTC: $total patches, x
series-id: $sid
stages: applies UP-build SMP-build boot style checkpatch
checkpatch: linux-source-6.1 6.1.192-2, /x

all stages passed
EOF
	printf 'test,vanilla,patched\nwake,1.25,1.5\n' >"$r/bench.csv"
	"$TOP/scripts/mkmail" --from "$FROM" --results "$r" --out "$tmp/r.mbox" \
		>/dev/null 2>&1 &&
	grep -q '^  patched-up   1     all    pass    PASS    31' "$tmp/r.mbox" &&
	grep -q 'Bisectability (2002-09-23 12:00 UTC)' "$tmp/r.mbox" &&
	grep -q 'boots to pass the basic futex tests' "$tmp/r.mbox" &&
	grep -q 'checkpatch.pl (linux-source-6.1 6.1.192-2)' "$tmp/r.mbox" &&
	[ "$(grep -c 'for an earlier version of the series' "$tmp/r.mbox")" = 1 ] &&
	grep -q -E '^  wake +1.25 +1.5$' "$tmp/r.mbox" &&
	[ "$(grep -c -E '^ [0-9]+ files? changed' "$tmp/r.mbox")" = $((total + 1)) ] &&
	! grep -q -E '\): not run\.$' "$tmp/r.mbox"
}
check "the cover letter quotes results/ (run, check-series, bench.csv), flags stale ones" withresults

# 9-14: the round trip, on a real tree.
skip_rest() {
	while [ $n -lt 14 ]; do
		n=$((n + 1))
		echo "ok $n - # SKIP $1"
	done
}
if ! out=$("$TOP/scripts/get-kernel" 2>&1); then
	why=$(printf '%s\n' "$out" | tail -n 1)
	skip_rest "no Linux $KVER tree: $why"
	cat >&2 <<EOF

*** SKIPPED: the git am round trip of the mbox did not run:
*** $why
*** Set KERNEL_GIT=<kernel history git> or KERNEL_TARBALL=<linux-$KVER.tar.bz2>.

EOF
	[ $failed = 0 ]
	exit
fi
pristine=$(printf '%s\n' "$out" | tail -n 1)
need git
need quilt

GIT="git -c core.autocrlf=false -c core.safecrlf=false -c apply.whitespace=nowarn -c user.name=test -c user.email=test@example.org -c commit.gpgsign=false -c init.defaultBranch=master"

gitrepo() {
	cp -a "$pristine" "$tmp/git" && chmod -R u+w "$tmp/git" &&
	(cd "$tmp/git" && $GIT init -q && $GIT add -A &&
	 $GIT commit -q -m "Linux $KVER") &&
	[ -z "$(cd "$tmp/git" && $GIT status --porcelain)" ]
}
check "a git repository of pristine $KVER" gitrepo

am() {
	mkdir -p "$tmp/split"
	m=$($GIT mailsplit -o"$tmp/split" "$mbox") || return 1
	[ "$m" = $((total + 1)) ] || { echo "mailsplit found $m mails"; return 1; }
	# 0001 is the cover letter: no patch in it.
	# shellcheck disable=SC2012  # mailsplit names the files 0001, 0002, ...
	ls "$tmp/split"/* | sed 1d >"$tmp/list"
	# shellcheck disable=SC2046  # the mail files, one word each, split on purpose
	(cd "$tmp/git" && $GIT am -q $(cat "$tmp/list"))
}
check "git am applies [PATCH 1/$total]..[PATCH $total/$total]" am

commits() {
	got=$(cd "$tmp/git" && $GIT log --reverse --format=%s "HEAD~$total..HEAD")
	want=$(for p in $names; do head -n 1 "$TOP/patches/$p"; done)
	[ "$got" = "$want" ] || { printf 'got:\n%s\nwant:\n%s\n' "$got" "$want"; return 1; }
	# The commit message is the patch description.
	k=0
	for p in $names; do
		k=$((k + 1))
		(cd "$tmp/git" && $GIT log -1 --format=%B "HEAD~$((total - k))") |
			awk 'NF { go = 1 } go' >"$tmp/msg"
		awk '/^(--- |diff |Index: )/ { exit } { print }' "$TOP/patches/$p" |
			awk 'NF { go = 1 } go' >"$tmp/hdr"
		diff -B "$tmp/hdr" "$tmp/msg" || { echo "message of $p differs"; return 1; }
	done
}
check "each commit's message is its patch description" commits

quiltit() {
	cp -a "$pristine" "$tmp/quilt" && chmod -R u+w "$tmp/quilt" &&
	(cd "$tmp/quilt" && QUILT_PATCHES=$TOP/patches QUILT_SERIES=$TOP/series \
		QUILT_PC=.pc q push -a --fuzz=0 >/dev/null)
}
check "quilt push -a --fuzz=0 of the series on another pristine copy" quiltit

same() {
	diff -r -x .pc -x .git "$tmp/quilt" "$tmp/git" >"$tmp/tree.diff" ||
		{ head -n 40 "$tmp/tree.diff"; return 1; }
}
check "git am tree and quilt tree are identical (diff -r, less .pc, .git)" same

notpristine() {
	# The comparison is not vacuous: the trees differ from pristine.
	! diff -r -q -x .pc -x .git "$pristine" "$tmp/git" >/dev/null 2>&1
}
check "and both differ from pristine $KVER" notpristine

[ $failed = 0 ]
