#!/usr/bin/env bash
# Builds a corpus of N copies of the fixtures and the shared real-world
# Dockerfiles and task definitions: internal/bench/corpus.sh N OUTDIR
set -euo pipefail
n=${1:?usage: corpus.sh N OUTDIR}
out=${2:?usage: corpus.sh N OUTDIR}
cd "$(dirname "$0")/../.."
shared=../shared/corpus
one=$(mktemp -d)
cp -r fixtures "$one/fixtures"
if [ -d "$shared" ]; then
	mkdir -p "$one/corpus"
	for f in "$shared"/dockerfiles/*; do cp "$f" "$one/corpus/$(basename "$f" | tr -c 'A-Za-z0-9_\n-' _).Dockerfile"; done
	cp "$shared"/taskdefs/*.json "$one/corpus/"
fi
mkdir -p "$out"
for i in $(seq 1 "$n"); do cp -r "$one" "$out/copy-$i"; done
rm -rf "$one"
echo "$(find "$out" -type f | wc -l) files, $(du -sh "$out" | cut -f1) in $out"
