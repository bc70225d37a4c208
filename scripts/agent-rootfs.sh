#!/bin/sh
# Assembles the agent image's root filesystem in ROOTFS (Dockerfile.agent's `rootfs` stage runs it;
# scripts/image-contents.mjs runs it to measure the image without Docker). The image is FROM scratch:
# the Node binary, the shell (busybox-static's ash, see below) and the four tools vault-k8s's container commands use, the shared
# libraries they load (as ldd lists them), a passwd/group naming user vault (100:1000, home
# /home/vault), /tmp — and nothing else: no package manager, no npm, no node_modules.
# The agent bundle and the `vault` shim are COPY'd by the Dockerfile into ROOTFS/app and ROOTFS/bin.
#   NODE_BIN=/usr/local/bin/node sh scripts/agent-rootfs.sh /rootfs
set -eu

rootfs=${1:?usage: agent-rootfs.sh ROOTFS}
node_bin=${NODE_BIN:-/usr/local/bin/node}
mkdir -p "$rootfs"

# copy SOURCE DEST: SOURCE (symlinks followed) at ROOTFS/DEST, with every library it links.
copy() {
  mkdir -p "$rootfs${2%/*}"
  cp -L "$1" "$rootfs$2"
  ldd "$1" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | while read -r lib; do
    if [ ! -e "$rootfs$lib" ]; then
      mkdir -p "$rootfs${lib%/*}"
      cp -L "$lib" "$rootfs$lib"
    fi
  done
}

tool() {
  path=$(command -v "$1") || { echo "agent-rootfs.sh: $1 not found" >&2; exit 1; }
  copy "$path" "/bin/$1"
}

copy "$node_bin" /usr/local/bin/node
# vault-k8s: /bin/sh -ec "echo … | base64 -d > … && vault agent …", preStop "/bin/sleep 5 && vault
# token revoke -self"; touch for the ready file of native sidecars; cat for the shim's usage text.
# /bin/sh is busybox-static's ash, not Debian's dash. In the classic sidecar the container command
# is vault-k8s's `/bin/sh -ec "echo … | base64 -d > … && vault agent …"`, so the shell starts as
# the container's PID 1. ash (like bash) execs the last command of a -c string, so `vault` (then
# node) takes over PID 1 and receives the kubelet's SIGTERM; dash forks it and stays PID 1, and
# PID 1 ignores signals it has no handler for, so the agent only ever got SIGKILL after the grace
# period (test/images/agent-shell-signals.test.ts). Static: it adds no library.
busybox_bin=${BUSYBOX_BIN:-$(command -v busybox)} || { echo "agent-rootfs.sh: busybox not found (apt-get install busybox-static)" >&2; exit 1; }
if ldd "$busybox_bin" >/dev/null 2>&1; then
  echo "agent-rootfs.sh: $busybox_bin is dynamically linked; install busybox-static" >&2
  exit 1
fi
copy "$busybox_bin" /bin/sh
for name in base64 cat sleep touch; do tool "$name"; done

mkdir -p "$rootfs/etc" "$rootfs/home/vault" "$rootfs/tmp" "$rootfs/app"
printf 'root:x:0:0:root:/root:/bin/sh\nvault:x:100:1000:vault:/home/vault:/bin/sh\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nvault:x:1000:\n' >"$rootfs/etc/group"
chmod 1777 "$rootfs/tmp"
chmod 0755 "$rootfs/home/vault"
