#!/usr/bin/env bash
# Replays every libFuzzer target over its corpus (seeds and past crashes) once, with
# ASan and UBSan: a parser regression shows up here without a fuzzing run.
cd "$(dirname "$0")/.."
source tests/lib/report.sh
build=${BUILD:-build}
# A crash's reproducer goes here, not into the working tree (the failure shows it).
tmp=$(mktemp -d /tmp/xdpport-fuzz-corpus.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
for src in tests/fuzz/*_fuzz.c; do
	name=$(basename "$src" _fuzz.c)
	check "fuzz corpus: $name" "$build/fuzz/${name}_fuzz" -runs=0 -artifact_prefix="$tmp/" \
		"tests/fuzz/corpus/$name"
done
summary
