#!/usr/bin/env bash
# Installs the Debian packages Gantry needs, when missing: to build it (a JDK, and curl for the Maven
# wrapper) and, unless --build-only, to run real zones. As non-root it only says what to install.
set -euo pipefail
need=()
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v curl >/dev/null 2>&1 || command -v wget >/dev/null 2>&1 || need+=(curl)
command -v gcc >/dev/null 2>&1 || need+=(gcc)                    # the agent's static in-zone mdata tools
compgen -G "/usr/lib/*/libc.a" >/dev/null || need+=(libc6-dev)    # its static C library
if [ "${1:-}" != "--build-only" ]; then
  command -v runc >/dev/null 2>&1 || need+=(runc)
  command -v ip >/dev/null 2>&1 || need+=(iproute2)
  command -v nft >/dev/null 2>&1 || need+=(nftables)
  command -v mkfs.ext4 >/dev/null 2>&1 || need+=(e2fsprogs)
  [ -x /bin/busybox ] || need+=(busybox-static)
  command -v ssh-keygen >/dev/null 2>&1 || need+=(openssh-client)  # gantry dev makes the demo account's key
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "gantry: missing packages: ${need[*]}" >&2
  echo "gantry: install them with: sudo apt-get install -y ${need[*]}  (real zones also need root)" >&2
  exit 0
fi
echo "gantry: installing ${need[*]}..." >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q "${need[@]}" >/tmp/gantry-apt.log 2>&1; then
  apt-get update -q >>/tmp/gantry-apt.log 2>&1
  apt-get install -y -q "${need[@]}" >>/tmp/gantry-apt.log 2>&1 || { echo "gantry: apt-get failed; see /tmp/gantry-apt.log" >&2; exit 1; }
fi
