#!/usr/bin/env bash
# Builds the Go text/template reference renderer into tools-bin/ (used by the template
# engine's differential tests). ../shared is read-only, so the binary goes into this repo.
set -euo pipefail
cd "$(dirname "$0")/.."
oracle_src=${GOTEMPLATE_ORACLE_SRC:-../shared/tools/gotemplate-oracle}
out="$PWD/tools-bin/gotemplate-oracle"
if [ -x "$out" ] && [ "$out" -nt "$oracle_src/main.go" ]; then exit 0; fi
mkdir -p tools-bin
sh "$oracle_src/install.sh" "$out"
