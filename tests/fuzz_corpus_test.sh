#!/usr/bin/env bash
# Replays every libFuzzer target over its corpus (seeds and past crashes) once, with
# ASan and UBSan: a parser regression shows up here without a fuzzing run.
cd "$(dirname "$0")/.."
source tests/lib/report.sh
build=${BUILD:-build}
for src in tests/fuzz/*_fuzz.c; do
	name=$(basename "$src" _fuzz.c)
	check "fuzz corpus: $name" "$build/fuzz/${name}_fuzz" -runs=0 "tests/fuzz/corpus/$name"
done
summary
