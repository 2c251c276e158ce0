#!/usr/bin/env bash
# The man page and the README keep up with the command line: every command that
# `simshard --help` lists and every long option its `--help` prints is documented in
# doc/simshard.1, every command appears in the README, and the page renders without warnings.
source "$(dirname "$0")/cli_lib.bash"
ROOT=$(cd "$E2E/../.." && pwd)
MAN=$ROOT/doc/simshard.1
README=$ROOT/README.md
[ -f "$MAN" ] || die "doc/simshard.1 is missing"

step "commands listed by simshard --help"
"$SIMSHARD" --help > usage
commands=$(sed -n '/^Commands:/,/^$/p' usage | awk 'NF > 1 {print $1}')
[ -n "$commands" ] || die "no commands found in simshard --help"

missing=()
for cmd in $commands; do
  grep -q "^\.B $cmd\$" "$MAN" || missing+=("command $cmd (no '.B $cmd' entry)")
  grep -q "simshard $cmd" "$README" || missing+=("command $cmd in README.md")
  step "options of simshard $cmd"
  "$SIMSHARD" "$cmd" --help > help
  # Option lines of Boost.Program_options: "  -a [ --archive ] DIR" or "  --threshold S".
  for opt in $(grep -oE '^ +(-[a-z] \[ )?--[a-z][a-z0-9-]*' help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
    [ "$opt" = --input ] || [ "$opt" = --id ] && continue  # the positional arguments
    roff=${opt//-/\\-}
    grep -qF -- "$roff" "$MAN" || missing+=("simshard $cmd $opt")
  done
done
[ ${#missing[@]} -eq 0 ] || die "not documented: ${missing[*]}"

if command -v groff >/dev/null; then
  step "the page renders without warnings"
  groff -man -Tutf8 -ww -z "$MAN" 2> warnings
  [ ! -s warnings ] || { cat warnings >&2; die "groff warnings in doc/simshard.1"; }
fi
echo "ok: $(echo $commands | wc -w) commands and their options documented"
