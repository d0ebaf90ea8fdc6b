# tests/tap.sh: sourced by the shell TAP scripts in tests/ after
# scripts/lib.sh.  POSIX sh.  Gives them a scratch directory $tmp
# (removed on exit, read-only trees included), the counters n and
# failed, and check().  The script ends with "[ $failed = 0 ]".

tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
n=0
failed=0

# check NAME COMMAND...: one test point, timed: "ok" if COMMAND exits 0;
# otherwise "not ok" with the last TAP_WHY_LINES (default 40) lines of
# its output as diagnostics.
check() {
	name=$1
	shift
	n=$((n + 1))
	: >"$tmp/why"
	s=$(date +%s)
	if "$@" >>"$tmp/why" 2>&1; then
		echo "ok $n - $name ($(( $(date +%s) - s ))s)"
	else
		echo "not ok $n - $name ($(( $(date +%s) - s ))s)"
		sed 's/^/#   /' "$tmp/why" | tail -n "${TAP_WHY_LINES:-40}"
		failed=$((failed + 1))
	fi
}
