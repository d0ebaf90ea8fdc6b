# condense.awk: turn "spin -t -p" output into one line per step of a
# counterexample, each named by the comment of its source line in the
# model (the C function it stands for).  Used by spin.t.
# Usage: awk [-v stuck=1] -f condense.awk MODEL.pml SPIN-T-P-OUTPUT
# (stuck=1: the trail ends in an invalid end state, a deadlock)
FNR == NR { src[FNR] = $0; next }
/^ *[0-9]+:[ \t]+proc +[0-9]+ \(/ && !ended {
	pid = $3 + 0
	if (!match($0, /\.pml:[0-9]+/))
		next
	ln = substr($0, RSTART + 5, RLENGTH - 5) + 0
	name = $4; sub(/^\(/, "", name); sub(/:.*/, "", name)
	if (name == "") name = "init"
	c = src[ln]
	if (!match(c, /\/\*.*\*\//))
		next
	c = substr(c, RSTART + 3, RLENGTH - 6)
	if (src[ln] ~ /^[ \t]*(assert|REACHED|check_)/)
		next
	if (pid == lastpid && c == lastc)
		next
	lastpid = pid; lastc = c
	printf "  %-12s %s\n", name "(" pid ")", c
	next
}
/^spin: trail ends/ { ended = 1; print "  -- " $0; next }
ended && /^ *[0-9]+:[ \t]+proc/ && !/valid end state/ {
	name = $4; sub(/^\(/, "", name); sub(/:.*/, "", name)
	if (name == "") name = "init"
	if (match($0, /\.pml:[0-9]+/)) {
		ln = substr($0, RSTART + 5, RLENGTH - 5) + 0
		c = src[ln]; gsub(/^[ \t]+/, "", c)
		printf "  -- %s %s(%d) at line %d: %s\n",
			stuck ? "stuck forever:" : "at the end:", name, $3, ln, c
	}
}
