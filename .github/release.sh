#!/usr/bin/env bash
# Builds release archives of gracelint for every supported platform, with a
# SHA-256 checksum file: .github/release.sh VERSION [OUTDIR]
set -euo pipefail
version=${1:?usage: release.sh VERSION [OUTDIR]}
out=${2:-dist}
cd "$(dirname "$0")/.."
mkdir -p "$out"
targets=${TARGETS:-"linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64"}
for target in $targets; do
	goos=${target%/*}
	goarch=${target#*/}
	name="gracelint_${version#v}_${goos}_${goarch}"
	stage=$(mktemp -d)
	exe=gracelint
	[ "$goos" = windows ] && exe=gracelint.exe
	CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build -trimpath \
		-ldflags "-s -w -X github.com/gracelint/gracelint/internal/cli.Version=${version#v}" \
		-o "$stage/$exe" ./cmd/gracelint
	cp README.md "$stage/"
	if [ "$goos" = windows ]; then
		(cd "$stage" && zip -q -r - .) >"$out/$name.zip"
	else
		tar -C "$stage" -czf "$out/$name.tar.gz" .
	fi
	rm -rf "$stage"
done
(cd "$out" && sha256sum gracelint_* >checksums.txt)
echo "wrote $(ls "$out" | wc -l) files to $out"
