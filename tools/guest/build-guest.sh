#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# build-guest.sh OUTDIR: a tiny test guest made only of Debian packages, the
# cloud kernel (linux-image-cloud-amd64: virtio as modules, no desktop
# drivers) and busybox-static, written as OUTDIR/vmlinuz and
# OUTDIR/initrd.img (a gzipped cpio with busybox, the virtio drivers and this
# folder's scripts), and the two on a disk that boots, OUTDIR/virga-tiny.qcow2,
# for the image service. The two packages are fetched with `apt-get download`
# into OUTDIR/debs once and reused, not installed: a kernel package would run
# its boot-loader hooks on the host, and busybox-static conflicts with the
# host's busybox. The tools it runs (mtools, syslinux, qemu-img) are in the
# Makefile's DEB_PACKAGES.
set -euo pipefail
OUT=${1:?usage: build-guest.sh OUTDIR}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT/debs"
OUT=$(cd "$OUT" && pwd)
DEBS=$OUT/debs

# fetch PATTERN PACKAGE: the .deb matching PATTERN in $DEBS, downloaded first
# if there is none. Prints its path.
fetch() {
	local deb
	deb=$(ls "$DEBS"/$1 2>/dev/null | sort -V | tail -1 || true)
	if [ -z "$deb" ]; then
		(cd "$DEBS" && apt-get download -q -o APT::Sandbox::User=root "$2" >&2) ||
			{ echo "build-guest: apt-get download $2 failed (apt-get update first?)" >&2; exit 1; }
		deb=$(ls "$DEBS"/$1 | sort -V | tail -1)
	fi
	echo "$deb"
}
# The metapackage only names the current kernel: download what it depends on
# (asking apt only when no kernel was downloaded yet).
kernel_pkg() {
	apt-cache depends linux-image-cloud-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)/\1/p' | head -1
}
kdeb=$(ls "$DEBS"/linux-image-*-cloud-amd64_*.deb 2>/dev/null | sort -V | tail -1 || true)
[ -n "$kdeb" ] || kdeb=$(fetch 'linux-image-*-cloud-amd64_*.deb' "$(kernel_pkg)")
bdeb=$(fetch 'busybox-static_*.deb' busybox-static)

WORK=$OUT/work
rm -rf "$WORK"
mkdir -p "$WORK/kernel" "$WORK/busybox"
dpkg-deb -x "$kdeb" "$WORK/kernel"
dpkg-deb -x "$bdeb" "$WORK/busybox"
BB=$WORK/busybox/bin/busybox
KVER=$(ls "$WORK/kernel/lib/modules")
MODS=$WORK/kernel/lib/modules/$KVER
# The package ships no modules.dep (its postinst runs depmod): make one.
"$BB" depmod -b "$WORK/kernel" "$KVER"

ROOT=$WORK/root
mkdir -p "$ROOT"/{bin,dev,etc/udhcpc,proc,sys,tmp,root,lib/modules}
cp "$BB" "$ROOT/bin/busybox"
for applet in $("$BB" --list); do
	[ "$applet" = busybox ] || ln -sf busybox "$ROOT/bin/$applet"
done
ln -sf bin/busybox "$ROOT/init"
# The kernel opens /dev/console before /init runs; mknod needs root.
mknod -m 600 "$ROOT/dev/console" c 5 1 2>/dev/null || true
install -m 755 "$HERE/rc" "$ROOT/etc/rc"
install -m 644 "$HERE/inittab" "$ROOT/etc/inittab"
install -m 755 "$HERE/udhcpc.script" "$ROOT/etc/udhcpc/default.script"
install -m 755 "$HERE/hello" "$ROOT/bin/virga-hello"
install -m 755 "$HERE/config-drive" "$ROOT/bin/virga-config-drive"
echo 'root::0:0:root:/root:/bin/sh' >"$ROOT/etc/passwd"
echo 'root:x:0:' >"$ROOT/etc/group"

# modules LIST MODULE...: copies each module and what it needs into the image
# and writes LIST (in /etc) with them in load order: a module's dependencies
# first, deepest first, as modprobe loads them (modules.dep names them
# nearest first).
declare -A LISTED=()
add_module() {
	local line deps dep
	line=$(grep -E "(^|/)$1\.ko:" "$MODS/modules.dep") || { echo "build-guest: no module $1" >&2; exit 1; }
	deps=${line#*:}
	for dep in $(echo $deps | tr ' ' '\n' | tac); do add_path "$dep"; done
	add_path "${line%%:*}"
}
add_path() {
	[ -n "${LISTED[$1]:-}" ] && return 0
	LISTED[$1]=1
	mkdir -p "$ROOT/lib/modules/$(dirname "$1")"
	cp "$MODS/$1" "$ROOT/lib/modules/$1"
	echo "$1" >>"$LIST"
}
modules() {
	LIST=$ROOT/etc/$1
	: >"$LIST"
	shift
	local m
	for m in "$@"; do add_module "$m"; done
}
modules modules.net virtio_pci virtio_net virtio_blk
# The config drive: Nova puts it on an IDE CD-ROM (machine pc) or a virtio
# disk. The cloud kernel has no AHCI, so not on q35's SATA.
modules modules.cd ata_piix sr_mod isofs

cp "$WORK/kernel/boot/vmlinuz-$KVER" "$OUT/vmlinuz.new"
(cd "$ROOT" && find . | sort | "$BB" cpio -o -H newc 2>/dev/null | gzip -9 -n) >"$OUT/initrd.img.new"

# The disk: one FAT file system over the whole disk (no partition table, so
# no loop device or mount: mtools writes into the file) holding the kernel,
# the initramfs and SYSLINUX, whose boot sector the BIOS runs. pci=nomsi:
# QEMU 7.2 under TCG crashes when the guest drives a vhost-user virtio-net
# with MSI-X, and a VM booted from the image service may have it.
RAW=$WORK/disk.raw
mb=$((($(stat -c %s "$OUT/vmlinuz.new") + $(stat -c %s "$OUT/initrd.img.new")) / 1048576 + 4))
truncate -s "${mb}M" "$RAW"
mformat -i "$RAW" -v VIRGA -T $((mb * 2048)) -h 64 -s 32 ::
cat >"$WORK/syslinux.cfg" <<CFG
DEFAULT virga
PROMPT 0
TIMEOUT 1
LABEL virga
  KERNEL /vmlinuz
  INITRD /initrd.img
  APPEND console=tty0 console=ttyS0 quiet pci=nomsi panic=-1
CFG
mcopy -i "$RAW" "$OUT/vmlinuz.new" ::/vmlinuz
mcopy -i "$RAW" "$OUT/initrd.img.new" ::/initrd.img
mcopy -i "$RAW" "$WORK/syslinux.cfg" ::/syslinux.cfg
syslinux --install "$RAW"
qemu-img convert -c -O qcow2 "$RAW" "$OUT/virga-tiny.qcow2.new"

mv "$OUT/vmlinuz.new" "$OUT/vmlinuz"
mv "$OUT/initrd.img.new" "$OUT/initrd.img"
mv "$OUT/virga-tiny.qcow2.new" "$OUT/virga-tiny.qcow2"
echo "$KVER $(basename "$bdeb")" >"$OUT/guest.version"
rm -rf "$WORK"
echo "build-guest: $OUT/vmlinuz ($KVER), $OUT/initrd.img ($(du -k "$OUT/initrd.img" | cut -f1) KiB), $OUT/virga-tiny.qcow2"
