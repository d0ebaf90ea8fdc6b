#!/bin/sh
# mail.t: scripts/mkmail writes an mbox (quilt mail) that git am turns
# into exactly the tree quilt makes of the series, and refuses to write
# a cover letter on missing, failed or stale results.  TAP.
#
# Without a kernel tree: the mbox checks (threading, headers, only the
# LKML series, the refusals) still run; the round trip through git am
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
sid=$(series_id "$TOP/series" "$TOP/patches")

tap_plan 16

# results DIR [SID]: a complete set of results in DIR, for the series SID
# (default: the current one): every stage passed, check-series passed,
# a benchmark.
results() {
	rsid=${2:-$sid}
	mkdir -p "$1/check-series"
	{
		printf 'stage\tvariant\tcpus\ttests\texpect\tresult\tok\tnot_ok\ttodo\tplan\tseconds\taccel\tseries_id\tdate\treason\n'
		printf 'patched-up\tpatched-up\t1\tall\tpass\tPASS\t31\t0\t0\t31\t5\ttcg\t%s\t2002-09-23T12:00:00Z\t-\n' "$rsid"
		printf 'vanilla-up-bug\tvanilla-up\t1\tcow\tfail\tPASS\t0\t13\t0\t13\t5\ttcg\t-\t2002-09-23T12:00:00Z\t-\n'
		printf 'peer-up\tpeer-up\t1\tall\tpeer\tFAIL\t1\t1\t0\t2\t5\ttcg\t-\t2002-09-23T12:00:00Z\tpeer-up: kernel trouble on the console: kernel BUG at swap.c:216! (log x)\n'
	} >"$1/summary.tsv"
	printf 'stage\ttest\tstatus\npatched-up\tcow_a\tok\npeer-up\tcow_a\tok\npeer-up\tcow_b\tnot ok\n' \
		>"$1/tests.tsv"
	cat >"$1/check-series/report.txt" <<EOF
check-series, 2002-09-23 12:00 UTC: $total patches, x
series-id: $rsid
stages: applies UP-build SMP-build boot style checkpatch

all stages passed
EOF
	{
		printf 'benchmark\tkernel\tmedian\tspread\truns\tratio\ttarget\tverdict\tseries_id\tdate\n'
		printf 'wake\tvanilla\t100.0\t0.0\t5\t1.0000\t-\t-\t-\t2002-09-23T12:00:00Z\n'
		printf 'wake\tpatched\t104.0\t0.0\t5\t1.0400\t1.05\tok\t%s\t2002-09-23T12:00:00Z\n' "$rsid"
		printf 'wake\tpeer\t90.0\t0.0\t5\t0.9000\t-\t-\t-\t2002-09-23T12:00:00Z\n'
		# the rows the cover letter quotes
		# shellcheck disable=SC2013  # the names on the line, one word each
		for b in $(sed -n 's/^@BENCH@//p' "$TOP/patches/cover-letter"); do
			printf '%s\tvanilla\t200.0\t0.0\t5\t1.0000\t-\t-\t-\t2002-09-23T12:00:00Z\n' "$b"
			printf '%s\tpatched\t202.0\t0.0\t5\t1.0100\t-\t-\t%s\t2002-09-23T12:00:00Z\n' "$b" "$rsid"
		done
	} >"$1/bench.tsv"
}
results "$tmp/ok"

# 1-6: the mbox itself.
mk() {
	"$TOP/scripts/mkmail" --from "$FROM" --results "$tmp/ok" \
		--out "$mbox" >"$tmp/mkmail.out" 2>&1 || {
		cat "$tmp/mkmail.out"; return 1; }
	[ "$(tail -n 1 "$tmp/mkmail.out")" = "$mbox" ] ||
		{ echo "last line is not the mbox path"; return 1; }
	grep -q 'git send-email' "$tmp/mkmail.out" ||
		{ echo "no git send-email command printed"; return 1; }
}
check "mkmail writes an mbox (quilt mail) and prints its path last" mk

subjects() {
	got=$(grep '^Subject: ' "$mbox" | sed 's/^Subject: //')
	want=$( { echo "[PATCH 0/$total] $(grep -v '^#' "$TOP/patches/cover-letter" | head -n 1)"
		k=0
		for p in $names; do
			k=$((k + 1))
			echo "[PATCH $k/$total] $(head -n 1 "$TOP/patches/$p")"
		done; } )
	[ "$got" = "$want" ] || { printf 'got:\n%s\nwant:\n%s\n' "$got" "$want"; return 1; }
	[ "$(grep -c '^From ' "$mbox")" = $((total + 1)) ]
}
check "one cover letter and $total patch mails, subjects [PATCH k/$total]" subjects

threading() {
	ids=$(grep -i '^Message-Id: ' "$mbox" | sed 's/^[^:]*: //')
	[ "$(printf '%s\n' "$ids" | sort -u | wc -l)" = $((total + 1)) ] ||
		{ echo "Message-Ids not unique: $ids"; return 1; }
	cover=$(printf '%s\n' "$ids" | head -n 1)
	[ "$(grep -c "^References: $cover\$" "$mbox")" = "$total" ] ||
		{ echo "k/N not threaded under $cover"; return 1; }
	# shellcheck disable=SC2015  # A && B || C: C is the failure branch, for A or B failing
	[ "$(grep -c "^From: $FROM\$" "$mbox")" = $((total + 1)) ] &&
	[ "$(grep -c '^Date: ' "$mbox")" = $((total + 1)) ] &&
	[ "$(grep -c '^To: linux-kernel@vger.kernel.org$' "$mbox")" = $((total + 1)) ] &&
	[ "$(grep -c '^Cc: .*Linus Torvalds <torvalds@transmeta.com>' "$mbox")" = $((total + 1)) ] &&
	grep -q 'Ingo Molnar <mingo@elte.hu>' "$mbox" &&
	grep -q 'Rusty Russell <rusty@rustcorp.com.au>' "$mbox" &&
	! grep -qi -E '^Content-Type: multipart|^Content-Disposition' "$mbox" ||
		{ echo "From/Date/To/Cc headers not as wanted"; return 1; }
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

# The cover letter is patches/cover-letter filled in from the results.
# shellcheck disable=SC2015  # A && B || C: C is the failure branch, for A or B failing
cover() {
	awk '/^Subject: \[PATCH 0\//, /^From /' "$mbox" >"$tmp/cover"
	grep -q -E '^  patched-up +patched-up +1 +pass +PASS +31$' "$tmp/cover" &&
	grep -q '^Bisectability (2002-09-23 12:00 UTC)' "$tmp/cover" &&
	grep -q -E '^1 of the 1 operations given a bound stay within it\.$' "$tmp/cover" &&
	grep -q -E '^  [a-z_0-9]+ +200 +1\.0100 +-$' "$tmp/cover" &&
	grep -q -E '^  peer: 1 of the 2 tests it ran fail; kernel BUG at swap\.c:216$' "$tmp/cover" &&
	grep -q -E '^     cow_b$' "$tmp/cover" &&
	grep -q -E '^ [0-9]+ files? changed' "$tmp/cover" &&
	grep -q "^  1/$total $(head -n 1 "$TOP/patches/$(printf '%s\n' "$names" | head -n 1)")\$" "$tmp/cover" &&
	! grep -q -E 'not run|STALE|@[A-Z]+@' "$tmp/cover" ||
		{ cat "$tmp/cover"; return 1; }
}
check "the cover letter: patches/cover-letter with the patches, results and diffstat" cover

overrides() {
	"$TOP/scripts/mkmail" --from "$FROM" --results "$tmp/ok" \
		--out "$tmp/o.mbox" --to "someone@example.net" \
		--cc "X <x@example.net>" --cc "y@example.net" >"$tmp/o.out" 2>&1 &&
	[ "$(grep -c '^To: someone@example.net$' "$tmp/o.mbox")" = $((total + 1)) ] &&
	grep -q '^Cc: X <x@example.net>' "$tmp/o.mbox" &&
	! grep -q torvalds "$tmp/o.mbox" &&
	grep -q "^      --cc='y@example.net'" "$tmp/o.out" &&
	"$TOP/scripts/mkmail" --from "$FROM" --results "$tmp/ok" \
		--out "$tmp/o.mbox" --no-cc >/dev/null 2>&1 &&
	! grep -q '^Cc:' "$tmp/o.mbox"
}
check "--to, --cc and --no-cc replace the default addressees" overrides

# 7: no From: without git config or --from.
nofrom() {
	rc=0
	env HOME="$tmp" XDG_CONFIG_HOME="$tmp" GIT_CONFIG_NOSYSTEM=1 \
		"$TOP/scripts/mkmail" --results "$tmp/ok" --out "$tmp/x.mbox" \
		>"$tmp/x.out" 2>&1 || rc=$?
	[ $rc != 0 ] && tail -n 1 "$tmp/x.out" | grep -q 'error: no From: address' &&
		[ ! -e "$tmp/x.mbox" ]
}
if git -C "$TOP" config --local user.email >/dev/null 2>&1; then
	n=$((n + 1))
	echo "ok $n - # SKIP user.email is set in the checkout's own git config"
else
	check "no From: (no git config, no --from) is refused in one line" nofrom
fi

# 8-10: refusals.  Each broken result set is refused in one line naming
# what to run, and writes no mbox; --draft writes it and says why.
refuse() {
	mkdir -p "$tmp/none"
	results "$tmp/stale" 0000000000000000
	results "$tmp/failed"
	sed -i 's/\tPASS\t31\t0/\tFAIL\t30\t1/' "$tmp/failed/summary.tsv"
	results "$tmp/nobench"
	rm "$tmp/nobench/bench.tsv"
	# shellcheck disable=SC2015  # A && B || C: C is the failure branch, for A or B failing
	for r in none:"summary.tsv: run make run" \
	    stale:"STALE (series 0000000000000000)" \
	    failed:"stage patched-up: FAIL: run make run" \
	    nobench:"bench.tsv: run make bench"; do
		rc=0
		"$TOP/scripts/mkmail" --from "$FROM" --results "$tmp/${r%%:*}" \
			--out "$tmp/r.mbox" >"$tmp/r.out" 2>&1 || rc=$?
		[ $rc = 1 ] && [ "$(wc -l <"$tmp/r.out")" = 1 ] &&
			grep -q -F "${r#*:}" "$tmp/r.out" && [ ! -e "$tmp/r.mbox" ] ||
			{ echo "${r%%:*}: rc $rc:"; cat "$tmp/r.out"; return 1; }
	done
}
check "refuses missing, failed and stale results in one line (no mbox)" refuse

# The report of check-series is for the code; what is mailed is checked
# again, descriptions included: a patch that fails check-style is refused.
styled() {
	mkdir -p "$tmp/sp"
	cp "$TOP/patches/"*.patch "$TOP/patches/cover-letter" "$TOP/series" "$tmp/sp/"
	p=$(printf '%s\n' "$names" | head -n 1)
	# a trailing blank on the first added line of the first patch
	awk '!d && /^\+[^+]/ { print $0 " "; d = 1; next } { print }' \
		"$TOP/patches/$p" >"$tmp/sp/$p"
	results "$tmp/sty" "$(series_id "$tmp/sp/series" "$tmp/sp")"
	rc=0
	"$TOP/scripts/mkmail" --from "$FROM" --results "$tmp/sty" \
		--series "$tmp/sp/series" --patches "$tmp/sp" \
		--out "$tmp/sty.mbox" >"$tmp/sty.out" 2>&1 || rc=$?
	# shellcheck disable=SC2015  # A && B || C: C is the failure branch
	[ $rc = 1 ] && [ ! -f "$tmp/sty.mbox" ] &&
	grep -q "error: $p: style: .*trailing" "$tmp/sty.out" ||
		{ cat "$tmp/sty.out"; echo "exit $rc"; return 1; }
}
check "refuses a patch that fails check-style (descriptions included)" styled

draft() {
	"$TOP/scripts/mkmail" --draft --from "$FROM" --results "$tmp/none" \
		--out "$tmp/d.mbox" >"$tmp/d.out" 2>&1 &&
	[ "$(grep -c -E '\(make (run|check-series|bench)\): not run\.$' "$tmp/d.mbox")" = 5 ] &&
	grep -q 'DRAFT, not ready to send' "$tmp/d.out"
}
check "--draft writes it anyway: 'not run' in the cover letter (runs, checks, cost, rows, peers), DRAFT warned" draft

# 11-16: the round trip, on a real tree.
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
