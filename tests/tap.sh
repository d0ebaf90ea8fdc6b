# tests/tap.sh: sourced by the shell TAP scripts in tests/.  POSIX sh.
# The counters n and failed (the script ends with "[ $failed = 0 ]"),
# and two kinds of test point, both timed:
#
#   check NAME COMMAND...   output shown only if COMMAND fails (the last
#                           TAP_WHY_LINES lines, default 40); needs
#                           tap_scratch
#   logged NAME COMMAND...  output kept in $TAP_LOGDIR/t<n>.log and
#                           always shown as TAP diagnostics
#
# and ok NAME / not_ok NAME for an outcome decided by the caller.
# tap_plan N prints the plan; skip_rest WHY skips the test points left
# up to it (the ones that need what is missing).
#
# tap_scratch makes a scratch directory $tmp, removed on exit or on
# HUP, INT or TERM (read-only trees included): it needs scripts/lib.sh
# (cleanup_add) sourced first.

n=0
failed=0

tap_scratch() {
	tmp=$(mktemp -d)
	cleanup_add "$tmp"
}

# tap_point LOG SHOW NAME COMMAND...: run COMMAND into LOG; one TAP line.
# SHOW: "always" or "fail", when LOG goes out as diagnostics.
tap_point() {
	_log=$1 _show=$2 _name=$3
	shift 3
	n=$((n + 1))
	_s=$(date +%s)
	if "$@" >"$_log" 2>&1; then
		_res=ok
	else
		_res="not ok"
		failed=$((failed + 1))
	fi
	_t=$(( $(date +%s) - _s ))
	if [ "$_show" = always ]; then
		sed 's/^/# /' "$_log"
		echo "$_res $n - $_name (${_t}s)"
	else
		echo "$_res $n - $_name (${_t}s)"
		[ "$_res" = ok ] ||
			sed 's/^/#   /' "$_log" | tail -n "${TAP_WHY_LINES:-40}"
	fi
}

check() {
	tap_point "$tmp/why" fail "$@"
}

# ok NAME, not_ok NAME: a test point whose outcome the caller decided
# (its diagnostics, if any, printed by the caller).
ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
}

tap_plan() {
	plan=$1
	echo "1..$plan"
}

skip_rest() {
	while [ $n -lt "${plan:?tap_plan first}" ]; do
		n=$((n + 1))
		echo "ok $n - # SKIP $1"
	done
}

logged() {
	tap_point "${TAP_LOGDIR:?}/t$((n + 1)).log" always "$@"
}
