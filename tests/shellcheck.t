#!/bin/sh
# tests/shellcheck.t: "shellcheck -s sh" finds nothing in the project's
# shell scripts: scripts/, the .t files, tests/tap.sh, the other
# #!/bin/sh scripts under tests/ and .ci/.  Exclusions are disable
# directives with their reason, next to what they excuse; .shellcheckrc
# has the settings.  Without the shellcheck tool (Debian package of that
# name; scripts/install-deps installs it): SKIP, loudly.  TAP.
set -eu
TOP=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
# shellcheck source=../scripts/lib.sh
. "$TOP/scripts/lib.sh"
ME=shellcheck.t
# shellcheck source=tap.sh
. "$TOP/tests/tap.sh"

if ! command -v shellcheck >/dev/null 2>&1; then
	echo "1..0 # SKIP shellcheck not installed (Debian package: shellcheck)"
	cat >&2 <<'BANNER'

*** SKIPPED: tests/shellcheck.t: the shell scripts were NOT checked:
*** no shellcheck (scripts/install-deps, or apt-get install shellcheck)

BANNER
	exit 0
fi
tap_scratch

# The shell scripts: every file under scripts/, tests/ and .ci/ whose
# first line is #!/bin/sh, and the sourced ones (*.sh).  Not the guest
# C programs' build output, nor results/.
cd "$TOP"
find scripts tests .ci -type f ! -path '*/build/*' | sort | while read -r f; do
	case $f in
	*.sh) echo "$f" ;;
	*) [ "$(head -c 9 "$f" 2>/dev/null)" != '#!/bin/sh' ] || echo "$f" ;;
	esac
done >"$tmp/files"

echo "1..$(wc -l <"$tmp/files")"
while read -r f; do
	check "shellcheck -s sh $f" shellcheck -s sh "$f"
done <"$tmp/files"
[ $failed = 0 ]
