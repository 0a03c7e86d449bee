#!/usr/bin/env bash
# Builds a Debian minbase root filesystem with debootstrap and packs it as an image tarball (tar.zst).
#   scripts/build-debian-image.sh OUT.tar.zst [SUITE]
# Then: ./gantry image import OUT.tar.zst --name debian-12
# Uses the mirror this machine's apt is configured with. Needs root, debootstrap and zstd (installed when missing).
set -euo pipefail
out="${1:?usage: $0 OUT.tar.zst [SUITE]}"
suite="${2:-bookworm}"
[ "$(id -u)" -eq 0 ] || { echo "build-debian-image: debootstrap needs root" >&2; exit 1; }
for tool in debootstrap zstd; do
  command -v "$tool" >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$tool" >/dev/null
done
mirror=""
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
fi
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
  mirror=$(awk '/^deb / && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list)
fi
[ -n "$mirror" ] || { echo "build-debian-image: no Debian mirror found in apt's sources" >&2; exit 1; }

tree=$(mktemp -d /var/tmp/gantry-debootstrap.XXXXXX)
trap 'rm -rf --one-file-system "$tree"' EXIT
echo "build-debian-image: debootstrap --variant=minbase $suite from $mirror (about a minute)..." >&2
debootstrap --variant=minbase "$suite" "$tree" "$mirror" >"$tree.log" 2>&1 || { tail -20 "$tree.log" >&2; rm -f "$tree.log"; exit 1; }
rm -f "$tree.log"
rm -rf "$tree"/var/cache/apt/archives/*.deb "$tree"/var/lib/apt/lists/*
echo "build-debian-image: packing $out..." >&2
mkdir -p "$(dirname "$out")"
tar --numeric-owner --xattrs -C "$tree" -c . | zstd -q -T0 -3 -o "$out" -f
echo "build-debian-image: done: $(du -h "$out" | cut -f1) at $out; import with: ./gantry image import $out --name debian-${suite}" >&2
