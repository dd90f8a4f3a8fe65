#!/usr/bin/env bash
# Runs one libFuzzer target for SECONDS, starting from its seed corpus. New inputs go
# to a scratch corpus in build/, crashes to build/fuzz/crashes/NAME/: copy a crash
# into tests/fuzz/corpus/NAME/ (after fixing it) so `make test` replays it forever.
# tests/fuzz/NAME.flags, if there, holds more libFuzzer flags for that target (a
# dictionary, a longer -max_len).
#   scripts/fuzz-parser.sh NAME SECONDS
set -euo pipefail
cd "$(dirname "$0")/.."
name=$1 seconds=$2
build=${BUILD:-build}
bin=$build/fuzz/${name}_fuzz
work=$build/fuzz/corpus/$name crashes=$build/fuzz/crashes/$name
mkdir -p "$work" "$crashes"
flags=()
[ -f "tests/fuzz/$name.flags" ] && read -r -a flags <"tests/fuzz/$name.flags"
echo "fuzz: $name for ${seconds}s"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! "$bin" -max_total_time="$seconds" -max_len=4096 -artifact_prefix="$crashes/" \
	-print_final_stats=1 "${flags[@]}" "$work" "tests/fuzz/corpus/$name" >"$log" 2>&1; then
	tail -n 40 "$log"
	echo "fuzz: $name FOUND A CRASH: see $crashes/"
	exit 1
fi
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
echo "fuzz: $name: ${runs:-?} executions in ${seconds}s, no crash"
