# scripts/lib.sh: shared helpers for the project's scripts.  POSIX sh.
# Sourced, never run.  Sets TOP (the checkout) and CACHE (the cache).

TOP=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
PROJECT=futex-cow
CACHE=${FUTEX_COW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/$PROJECT}
KVER=2.5.38
# shellcheck disable=SC2034  # used by the scripts that source lib.sh
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

# q ARGS: quilt with the project's settings, patches/quiltrc (never the
# user's ~/.quiltrc): patches applied -p1 at fuzz 0, refreshed -p ab
# --no-timestamps --no-index with function names in the hunk headers.
# QUILT_PATCHES and QUILT_SERIES from the environment win over the
# quiltrc's defaults (series, patches/ of this checkout).
q() {
	quilt --quiltrc "$TOP/patches/quiltrc" "$@"
}

# Cleanup.  on_exit CMD: run CMD (a string, eval'ed then, like a trap)
# when the script ends: at exit, or on HUP, INT or TERM (dash runs no
# EXIT trap on a signal).  cleanup_add PATH...: remove PATH then (made
# writable first: read-only trees too).  Each command runs once, last
# added first, its failure ignored; after a signal the script dies of
# the same signal (status 128+N).  Traps are not inherited by $(...) or
# ( ) subshells, so those never run the cleanup.
_cleanup_cmds=
on_exit() {
	_cleanup_cmds="{ $1
} || :
$_cleanup_cmds"
	trap '_cleanup_run' EXIT
	trap '_cleanup_sig HUP 129' HUP
	trap '_cleanup_sig INT 130' INT
	trap '_cleanup_sig TERM 143' TERM
}

cleanup_add() {
	for _p in "$@"; do
		_p=$(printf '%s\n' "$_p" | sed "s/'/'\\\\''/g")
		on_exit "chmod -R u+w '$_p' 2>/dev/null; rm -rf '$_p'"
	done
}

_cleanup_run() {
	_cleanup_now=$_cleanup_cmds
	_cleanup_cmds=
	eval "$_cleanup_now"
}

# _cleanup_sig SIGNAL STATUS: clean up, then die of SIGNAL (exit STATUS
# if it is ignored, as in a background job of a non-interactive shell).
_cleanup_sig() {
	trap - EXIT
	_cleanup_run
	trap - "$1"
	kill -s "$1" $$
	exit "$2"
}

# The one i386 toolchain of the project, for the kernel and the guest
# programs: Debian's cross compiler (gcc-i686-linux-gnu).  gcc-multilib
# cannot be used: Debian removes it when musl:i386 (the guest's libc,
# tests/userspace) is installed, as both bring an i386 gcc.
CROSS=${CROSS_COMPILE:-i686-linux-gnu-}
TARGET_CC=${CROSS}gcc

# need_target_cc: fail with one line unless $TARGET_CC builds i386 code.
need_target_cc() {
	command -v "$TARGET_CC" >/dev/null 2>&1 ||
		die "missing $TARGET_CC (Debian package: gcc-i686-linux-gnu)"
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
# sha256 of the names of its patches in DIR and of their diffs (from the
# first "--- " line: the descriptions are left out, so that rewording a
# changelog does not make the results of the same code stale).
# scripts/run, check-series and mkmail record it, so that results of
# another version of the series can be told apart.
series_id() {
	for p in $(series_names "$1"); do
		printf '%s\n' "$p"
		sed -n '/^--- /,$p' "$2/$p" 2>/dev/null || true
	done | sha256sum | cut -c1-16
}

# tsv_series_id FILE: the series_id of a results TSV (bench.tsv), from
# its first row that has one ("-": vanilla and the peers).
tsv_series_id() {
	awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++)
		if ($i == "series_id") c = i; next }
		c && $c != "-" { print $c; exit }' "$1"
}

# A kernel variant is KIND-CONFIG: KIND a kind of configs/kinds
# (vanilla, patched, the peers), CONFIG the name of a config file
# configs/CONFIG.config.
KINDS=$TOP/configs/kinds

# kind_row KIND: the row of KIND in configs/kinds, its fields separated
# by one tab (KIND STACK FUZZ DEBUG WHAT); fail (1) if there is none.
kind_row() {
	awk -v k="$1" '!/^[[:space:]]*(#|$)/ && $1 == k {
		w = $0; for (i = 1; i <= 4; i++) sub(/^[[:space:]]*[^[:space:]]+/, "", w)
		sub(/^[[:space:]]+/, "", w)
		print $1 "\t" $2 "\t" $3 "\t" $4 "\t" w; f = 1; exit }
		END { exit !f }' "$KINDS" 2>/dev/null
}

# kind_names: the kinds, one a line, in table order.
kind_names() {
	awk '!/^[[:space:]]*(#|$)/ { print $1 }' "$KINDS" 2>/dev/null
}

# variant_config VARIANT: print the config file of VARIANT; fail (1) if
# VARIANT is not of that form or has no config file.
variant_config() {
	case $1 in
	[a-z]*-?*) ;;
	*) return 1 ;;
	esac
	case ${1%%-*} in
	*[!a-z0-9]*) return 1 ;;
	esac
	kind_row "${1%%-*}" >/dev/null || return 1
	case ${1#*-} in
	*[!A-Za-z0-9_.-]*|.*) return 1 ;;
	esac
	[ -f "$TOP/configs/${1#*-}.config" ] || return 1
	echo "$TOP/configs/${1#*-}.config"
}

# variants: what a valid variant is, for error messages.
variants() {
	_l=
	for _c in "$TOP"/configs/*.config; do
		[ -f "$_c" ] || continue
		_c=${_c##*/}
		_l="$_l${_l:+, }${_c%.config}"
	done
	_k=$(kind_names | tr '\n' ' ' | sed 's/ $//; s/ /, /g')
	echo "KIND-CONFIG, KIND one of: ${_k:-none in configs/kinds}; CONFIG one of: ${_l:-none in configs/}"
}

# config_opt VARIANT KEY: the value of "KEY=VALUE" on a line
# "# futex-cow: KEY=VALUE ..." of the variant's config file (the test
# settings that go with a config, e.g. mem=1536); empty if none.
config_opt() {
	_c=$(variant_config "$1") || return 0
	# shellcheck disable=SC2020  # a space and a tab each become a newline, on purpose
	sed -n 's/^# futex-cow:[[:space:]]*//p' "$_c" | tr ' \t' '\n\n' |
		sed -n "s/^$2=//p" | tail -n 1
}

# config_has VARIANT OPTION: the variant's config sets CONFIG_OPTION=y.
config_has() {
	_c=$(variant_config "$1") || return 1
	grep -q "^CONFIG_$2=y\$" "$_c"
}

# The architectures, configs/arches (its header says what the fields are).
ARCHES=$TOP/configs/arches

# variant_arch VARIANT: the variant's arch, its config's "arch=" (i386
# if none).
variant_arch() {
	_a=$(config_opt "$1" arch)
	echo "${_a:-i386}"
}

# arch_field ARCH FIELD: field FIELD (2 CC, 3 QEMU, 4 BASE, 5 COMPAT,
# 6 EXTABLE, 7 DEBUG) of ARCH's row of configs/arches; fail (1) if there is none.
arch_field() {
	awk -v a="$1" -v f="$2" '!/^[[:space:]]*(#|$)/ && $1 == a {
		print $f; n = 1; exit } END { exit !n }' "$ARCHES"
}

# variant_image VARIANT [TREE]: the path of the variant's built kernel
# image in the cache (in the work tree TREE, scripts/build --tree, if
# given and not empty).
variant_image() {
	echo "$CACHE/build/${2:-$1}/linux/arch/$(variant_arch "$1")/boot/bzImage"
}

# arch_base ARCH: derive ARCH's code from the kernel history tree
# (configs/arches: BASE, a commit list) into the cache with
# scripts/derive-peer; its messages, then the series' directory.  Nothing
# for an arch without a BASE.  Exit status 77 (SKIPPED) when it needs a
# history tree and has none.
arch_base() {
	_b=$(arch_field "$1" 4) || return 1
	[ "$_b" = - ] || "$TOP/scripts/derive-peer" --list "$TOP/$_b" "$1-base"
}

# The stage table, configs/stages (its header says what the fields are);
# FUTEX_COW_STAGES names another, for tests.
STAGES=${FUTEX_COW_STAGES:-$TOP/configs/stages}

# stage_rows: its rows, the fields separated by one tab (STAGE VARIANT
# CPUS TESTS EXPECT PREFIXES); comments and blank lines dropped.
stage_rows() {
	awk '!/^[[:space:]]*(#|$)/ {
		print $1 "\t" $2 "\t" $3 "\t" $4 "\t" $5 "\t" $6 }' "$STAGES"
}

# stage_variants: the kernel variants the stages boot, each once, in
# table order.
stage_variants() {
	stage_rows | awk -F'\t' '!seen[$2]++ { print $2 }'
}

# stage_jobs: how many guests scripts/stage --jobs runs side by side:
# FUTEX_COW_JOBS, else the number of CPUs, at most 4.
stage_jobs() {
	_j=${FUTEX_COW_JOBS:-$(ncpus)}
	[ "$_j" -le 4 ] || _j=4
	echo "$_j"
}

# stage_status DIR STAGE PID: wait for STAGE's status in DIR (scripts/
# stage --out DIR, running as PID), polled; print it (1 if PID ended
# without writing one).
stage_status() {
	while [ ! -f "$1/$2.rc" ] && kill -0 "$3" 2>/dev/null; do
		sleep 2
	done
	cat "$1/$2.rc" 2>/dev/null || echo 1
}
