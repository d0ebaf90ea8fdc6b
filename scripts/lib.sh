# scripts/lib.sh: shared helpers for the project's scripts.  POSIX sh.
# Sourced, never run.  Sets TOP (the checkout) and CACHE (the cache).

TOP=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
PROJECT=futex-cow
CACHE=${FUTEX_COW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/$PROJECT}
KVER=2.5.38
PRISTINE=$CACHE/linux-$KVER
ME=$(basename -- "$0")

die() {
	printf '%s: error: %s\n' "$ME" "$*" >&2
	exit 1
}

warn() {
	printf '%s: %s\n' "$ME" "$*" >&2
}

# need TOOL [PACKAGE]: fail with one line if a tool is missing.
need() {
	command -v "$1" >/dev/null 2>&1 ||
		die "missing tool '$1' (Debian package: ${2:-$1})"
}

# Quilt must not pick up the user's ~/.quiltrc: patches are always
# applied -p1 and at fuzz 0.
q() {
	quilt --quiltrc - "$@"
}

# Print the number of CPUs for make -j.
ncpus() {
	getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2
}
