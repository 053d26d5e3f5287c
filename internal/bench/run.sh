#!/usr/bin/env bash
# Measures gracelint against its performance targets, all in one run:
#   lint CPU <= 1.3x BuildKit's bare parse of the same Dockerfiles,
#   wall time with one worker per CPU <= 0.75x the bare parse on one thread,
#   one-file invocation (what a pre-commit call does) <= 20 ms,
#   peak RSS <= 64 MiB on 40,000 files,
#   time linear in the size of every input family (BenchmarkScaling: a
#   minified task definition, stages, WORKDIRs, Compose services,
#   Kubernetes documents, ERB tags, files in a walk).
# usage: internal/bench/run.sh   (BENCHTIME=5s to run longer)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

go test ./internal/bench -run='^$' -bench='^Benchmark(BuildKit|Lint|JSON|OneFile)' -benchtime="${BENCHTIME:-3s}" | tee "$out/bench.txt"
ns() { awk -v name="Benchmark$1-" 'index($1, name) == 1 { print $3 }' "$out/bench.txt"; }
parse=$(ns BuildKitParse) lint=$(ns LintDockerfiles) parallel=$(ns LintDockerfilesParallel) one=$(ns OneFileInvocation)
awk -v p="$parse" -v l="$lint" -v q="$parallel" -v o="$one" -v cpus="$(nproc)" 'BEGIN {
	printf "\nlint CPU / bare parse:             %.2fx (target <= 1.30)\n", l / p
	printf "lint wall (%d CPUs) / bare parse:  %.2fx (target <= 0.75)\n", cpus, q / p
	printf "one-file invocation:               %.1f ms (target <= 20)\n", o / 1e6
}'

bash internal/bench/corpus.sh 188 "$out/corpus" >/dev/null
files=$(find "$out/corpus" -type f | wc -l)
go build -o "$out/gracelint" ./cmd/gracelint
for format in text json sarif; do
	/usr/bin/time -v "$out/gracelint" --format "$format" "$out/corpus" >/dev/null 2>"$out/time.txt" || true
	rss=$(awk -F': ' '/Maximum resident/ { print $2 }' "$out/time.txt")
	wall=$(awk -F'): ' '/Elapsed/ { print $2 }' "$out/time.txt")
	printf "%s files, --format %-5s peak RSS %.1f MiB (target <= 64), wall %s\n" "$files" "$format" "$(echo "$rss / 1024" | bc -l)" "$wall"
done

# Each input family must cost time linear in its size: n and 2n within 2.3x.
go test ./internal/bench -run='^$' -bench='^BenchmarkScaling' -benchtime=1x -timeout=30m | tee "$out/scaling.txt"
awk '/^BenchmarkScaling\// {
	split($1, p, "/"); family = p[2]; n = p[3]; sub(/n=/, "", n); sub(/-[0-9]+$/, "", n)
	if (family == last) printf "%-18s %6d -> %6d: %.2fx (target <= 2.30)\n", family, prevn, n, $3 / prev
	last = family; prev = $3; prevn = n
}' "$out/scaling.txt"
