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

# series_names SERIES: the patch names a quilt series file lists, in
# order (comments and blank lines dropped; quilt options after a name
# ignored).
series_names() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$1" | awk '{ print $1 }'
}

# series_id SERIES DIR: the series' identity, 16 hex digits of the
# sha256 of the names and contents of its patches in DIR.  scripts/run,
# check-series and mkmail record it, so that results of another version
# of the series can be told apart.
series_id() {
	for p in $(series_names "$1"); do
		printf '%s\n' "$p"
		cat "$2/$p" 2>/dev/null || true
	done | sha256sum | cut -c1-16
}
