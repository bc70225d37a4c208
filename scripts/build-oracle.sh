#!/usr/bin/env bash
# Builds the Go text/template reference renderer into tools-bin/ for `npm run test:differential`
# (the default `npm test` needs neither Go nor this). The renderer's source is the team's shared
# tool in ../shared/tools/gotemplate-oracle (read-only), so the binary goes into this repo.
# A missing prerequisite is an error that names how to get it: the differential suite never skips.
set -euo pipefail
cd "$(dirname "$0")/.."
oracle_src=${GOTEMPLATE_ORACLE_SRC:-../shared/tools/gotemplate-oracle}
out="$PWD/tools-bin/gotemplate-oracle"
if [ ! -f "$oracle_src/main.go" ]; then
  echo "build-oracle.sh: the gotemplate-oracle source is not at $oracle_src: check out the team's shared/ directory beside this repository (or set GOTEMPLATE_ORACLE_SRC)" >&2
  exit 1
fi
if ! command -v go >/dev/null 2>&1 && [ ! -x /usr/lib/go/bin/go ] && [ ! -x /usr/local/go/bin/go ]; then
  echo "build-oracle.sh: Go is not installed: install Go >= 1.19 (Debian/Ubuntu: \`apt-get install golang-go\`)" >&2
  exit 1
fi
if [ -x "$out" ] && [ -z "$(find "$oracle_src" -name '*.go' -newer "$out" -print -quit)" ]; then exit 0; fi
mkdir -p tools-bin
sh "$oracle_src/install.sh" "$out"
