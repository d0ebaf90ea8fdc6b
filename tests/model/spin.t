#!/bin/sh
# spin.t: model check of the futex / copy-on-write protocol with spin, TAP.
#
# tests/model/futex_cow.pml models futex_wait(), FUTEX_FD + poll(),
# futex_wake(), the COW path with the page_change callbacks, and fork(),
# at the level of the locks and the shared state (see README here).  For
# each configuration this generates the verifier (spin -a), compiles it
# (gcc, -DSAFETY: assertions and invalid end states, no cycles), and runs
# an exhaustive search in a temporary directory:
#
#   - the correct protocol, in several configurations, must be accepted:
#     no error, and a complete search (no depth or memory truncation);
#   - the three deliberately broken variants must be rejected with the
#     right kind of error (lost wakeup = invalid end state, or a page
#     reference assertion); the counterexample is printed, condensed to
#     the C functions the steps stand for;
#   - reachability witnesses (-DREACH=n) must be found, to show that the
#     interesting interleavings do occur in the model.
#
# Needs spin and gcc; without them: "1..0 # SKIP".  About 30 s on two
# cores.  SPIN_MODEL_FULL=1 adds the largest configuration (two forks
# with child writes: 13 million states, ~40 s, ~750 MB).
# SPIN_MODEL_KEEP=1 keeps the work directory and says where it is.
set -eu
HERE=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
TOP=$(CDPATH='' cd -- "$HERE/../.." && pwd)
MODEL=$TOP/tests/model/futex_cow.pml
CONDENSE=$TOP/tests/model/condense.awk

missing=
for tool in spin gcc; do
	command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
	echo "1..0 # SKIP spin not installed (missing:$missing)"
	cat >&2 <<EOF

*** SKIPPED: tests/model/spin.t: the futex/COW model was NOT checked:
***          missing:$missing (Debian: apt-get install spin gcc)

EOF
	exit 0
fi
[ -r "$MODEL" ] || { echo "Bail out! no $MODEL"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/spin.t.XXXXXX")
cleanup() {
	if [ "${SPIN_MODEL_KEEP:-}" = 1 ]; then
		echo "# work directory kept: $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

n=0
failed=0
started=$(date +%s)

# Verifier build options.  -O0: these state spaces are small, and gcc
# -O2 on pan.c costs more time than it saves.  MEMLIM (MB) stops a
# runaway search instead of swapping; a search that hits it says so,
# and is not accepted.
CFLAGS_PAN="-O0 -DSAFETY -DMEMLIM=2048"
PANOPTS="-m10000"

result() {
	n=$((n + 1))
	if [ "$1" = ok ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

# build DIR FLAGS...: generate and compile the verifier in $tmp/DIR.
build() {
	d=$tmp/$1
	shift
	mkdir -p "$d"
	cp "$MODEL" "$d/futex_cow.pml"
	(cd "$d" && spin -a "$@" futex_cow.pml) >"$d/spin.log" 2>&1 || {
		sed 's/^/#   spin: /' "$d/spin.log" | tail -n 20
		return 1
	}
	# shellcheck disable=SC2086
	(cd "$d" && gcc $CFLAGS_PAN ${CFLAGS_EXTRA:-} -o pan pan.c) \
		>"$d/gcc.log" 2>&1 || {
		sed 's/^/#   gcc: /' "$d/gcc.log" | tail -n 20
		return 1
	}
}

# search DIR PANOPTS...: run the verifier; output in $tmp/DIR/pan.out.
search() {
	d=$tmp/$1
	shift
	(cd "$d" && ./pan "$@") >"$d/pan.out" 2>&1 || true
}

# stats DIR: one diagnostic line with the size of the search.
stats() {
	awk '
		/states, stored/ { st = $1 }
		/transitions/ { tr = $1 }
		/depth reached/ { if (match($0, /depth reached [0-9]+/))
			dp = substr($0, RSTART + 14, RLENGTH - 14) }
		/total actual memory usage/ { mem = $1 }
		/elapsed time/ { t = $(NF - 1) }
		END { printf "#   %s states stored, %s transitions, depth %s, %s MB, %s s\n",
			st, tr, dp, mem, t }' "$tmp/$1/pan.out"
}

# search_complete DIR: the search ran to its end, exhaustively.
search_complete() {
	o=$tmp/$1/pan.out
	grep -q 'Full statespace search' "$o" &&
	grep -q 'states, stored' "$o" &&
	! grep -q -i -e 'max search depth too small' -e 'search not completed' \
		-e 'out of memory' -e 'MEMLIM' -e 'aborting' -e 'bitstate' "$o"
}

# accept NAME DESCRIPTION FLAGS...: no error, complete search.
accept() {
	name=$1
	desc=$2
	shift 2
	t0=$(date +%s)
	if build "$name" "$@"; then
		search "$name" $PANOPTS
		if grep -q 'errors: 0$' "$tmp/$name/pan.out" && search_complete "$name"; then
			result ok "$desc"
		else
			result fail "$desc"
			grep -e '^pan' -e 'error' -e 'Warning' "$tmp/$name/pan.out" |
				sed 's/^/#   /' | head -n 10
		fi
		stats "$name"
	else
		result fail "$desc (build)"
	fi
	echo "#   ($(( $(date +%s) - t0 )) s, flags: ${*:-none})"
}

# trail DIR FLAGS...: the counterexample, condensed.
trail() {
	d=$tmp/$1
	shift
	if [ -f "$d/futex_cow.pml.trail" ]; then
		(cd "$d" && spin -t -p "$@" futex_cow.pml) >"$d/trail.txt" 2>&1 || true
		awk -v stuck="$stuck" -f "$CONDENSE" "$d/futex_cow.pml" "$d/trail.txt" |
			sed 's/^/#   /'
	else
		echo "#   (no trail file)"
	fi
}

# reject NAME DESCRIPTION WANT PANFLAGS FLAGS...: the search must find an
# error whose "pan:1:" line matches the extended regexp WANT.
reject() {
	name=$1
	desc=$2
	want=$3
	popts=$4
	shift 4
	t0=$(date +%s)
	if build "$name" "$@"; then
		# shellcheck disable=SC2086
		search "$name" $PANOPTS $popts
		line=$(grep '^pan:1:' "$tmp/$name/pan.out" || true)
		if [ -n "$line" ] && printf '%s\n' "$line" | grep -E -q "$want"; then
			result ok "$desc"
		else
			result fail "$desc"
			echo "#   wanted an error matching: $want"
		fi
		echo "#   ${line:-no error found}"
		stats "$name"
		echo "#   counterexample (spin -t -p, condensed):"
		case $line in
		*"invalid end state"*) stuck=1 ;;
		*) stuck=0 ;;
		esac
		trail "$name" "$@"
	else
		result fail "$desc (build)"
	fi
	echo "#   ($(( $(date +%s) - t0 )) s, flags: $* ${popts:+pan $popts})"
}

# reach N DESCRIPTION [FLAGS...]: witness N is reachable.
reach() {
	r=$1
	desc=$2
	shift 2
	if build "reach$r" -DREACH="$r" "$@"; then
		search "reach$r" $PANOPTS
		line=$(grep '^pan:1:' "$tmp/reach$r/pan.out" || true)
		case $line in
		*"assertion violated"*"(($r==$r)"*)
			result ok "reachable: $desc" ;;
		*)
			result fail "reachable: $desc"
			echo "#   ${line:-not reached}"
			stats "reach$r" ;;
		esac
	else
		result fail "reachable: $desc (build)"
	fi
}

echo "# $(spin -V 2>&1 | head -n 1); model $MODEL"

# --- the protocol of the patches: must be accepted ---------------------

accept correct \
	"correct protocol: FUTEX_WAIT + FUTEX_FD waiters, COW, waker, fork at any time, child writes"
accept two-wait \
	"correct protocol: two FUTEX_WAIT waiters" -DSECOND_WAIT
accept one-wait \
	"correct protocol: one FUTEX_WAIT waiter" -DNW=1
accept preforked \
	"correct protocol: page COW-shared from the start (fork before everything)" -DPREFORKED
accept two-forks \
	"correct protocol: two forks, two COWs (waiters re-keyed twice), no child writes" \
	-DNFORK=2 -DNWRITES=2 -DNO_CHILD_WRITES
if [ "${SPIN_MODEL_FULL:-}" = 1 ]; then
	CFLAGS_EXTRA="-DCOLLAPSE" accept two-forks-full \
		"correct protocol: two forks, two COWs, child writes" -DNFORK=2
else
	n=$((n + 1))
	echo "ok $n # SKIP two forks with child writes (13M states): set SPIN_MODEL_FULL=1"
fi

# --- the deliberately broken variants: must be rejected ----------------

# (a): pan -A ignores the assertions, so that what is found is the lost
# wakeup itself; without -A the stale registration is caught first.
reject reg-after-lookup \
	"(a) register after the lookup, without re-checking: lost wakeup" \
	'invalid end state' -A -DBROKEN_REGISTER_AFTER_LOOKUP
reject reg-after-lookup-assert \
	"(a) register after the lookup: stale registration (key != pte)" \
	'assertion violated .*registered.*key.*pte' '' -DBROKEN_REGISTER_AFTER_LOOKUP
reject wake-unlocked-walk \
	"(b) waker drops page_table_lock between lookup and hash walk: lost wakeup" \
	'invalid end state' -A -DBROKEN_WAKE_UNLOCKED_WALK
reject callback-no-ref \
	"(c) callback moves the key but not the page reference: refcount error" \
	'assertion violated .*(refcount|pte!=|child\[|pinned)' '' -DBROKEN_CALLBACK_NO_REF

# (b) needs a fork between the waker's own store and its lookup: if the
# page is COW-shared before the store, the store itself breaks COW, and
# the lookup always finds the final page.  Documented, and checked.
accept wake-unlocked-walk-preforked \
	"(b) is harmless when the fork precedes the waker's store (the store breaks COW)" \
	-DPREFORKED -DBROKEN_WAKE_UNLOCKED_WALK

# --- witnesses: the model is not vacuous --------------------------------

reach 1 "a COW callback moves a waiter that is about to sleep or asleep"
reach 2 "the waker wakes a waiter that a callback moved"
reach 3 "FUTEX_WAIT sees the new value and returns -EWOULDBLOCK"
reach 4 "a user load through the old translation reads a value the new page no longer has"
reach 5 "two faults race to break COW, one backs out (pte_same fails)"
reach 6 "a callback re-keys a registered waiter before queue_me()"
reach 7 "FUTEX_WAIT sleeps and is woken by tell_waiter()"
reach 8 "the waker finds its waiter on the original page (no COW yet)"
reach 9 "a waiter is moved a second time (P1 -> P2)" -DNFORK=2 -DNO_CHILD_WRITES
reach 10 "do_wp_page() reuses the page (the child copied it away, no pin)"
reach 11 "the FUTEX_FD waiter sleeps in poll() and is woken"

echo "1..$n"
echo "# $((n - failed))/$n passed in $(( $(date +%s) - started )) s"
[ "$failed" -eq 0 ]
