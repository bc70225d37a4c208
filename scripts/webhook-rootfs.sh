#!/bin/sh
# Assembles the webhook image's root filesystem in ROOTFS (Dockerfile.webhook's `rootfs` stage runs
# it; scripts/image-contents.mjs runs it to measure the image without Docker). The image is FROM
# scratch: the Node binary with the shared libraries it loads (as ldd lists them), a passwd/group
# naming the injector's user (100:1000, vault-helm's default), /tmp — no shell, no npm, no corepack,
# no package manager: the webhook is `node /app/dist/cli/main.js agent-inject` (exec form) and
# talks to the API server by address (KUBERNETES_SERVICE_HOST) with Node's own TLS. The
# Dockerfile COPYs the production node_modules, dist/, package.json and the health check into
# ROOTFS/app.
#   NODE_BIN=/usr/local/bin/node sh scripts/webhook-rootfs.sh /rootfs
set -eu

rootfs=${1:?usage: webhook-rootfs.sh ROOTFS}
node_bin=${NODE_BIN:-/usr/local/bin/node}
mkdir -p "$rootfs/usr/local/bin"
cp -L "$node_bin" "$rootfs/usr/local/bin/node"
ldd "$node_bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | while read -r lib; do
  if [ ! -e "$rootfs$lib" ]; then
    mkdir -p "$rootfs${lib%/*}"
    cp -L "$lib" "$rootfs$lib"
  fi
done

mkdir -p "$rootfs/etc" "$rootfs/tmp" "$rootfs/app"
printf 'root:x:0:0:root:/:/sbin/nologin\ninjector:x:100:1000:vault-injector:/app:/sbin/nologin\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\ninjector:x:1000:\n' >"$rootfs/etc/group"
chmod 1777 "$rootfs/tmp"
