#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# rootfs.sh BINARY DIR: the root of the xdpport image in DIR. The binary links libbpf,
# libelf and zlib statically; it still loads the C library (and its loader), copied
# here as ldd names them, and reads /etc/services for service names (allow https).
# The Containerfile runs it in its build stage; tests/deploy_test.sh runs it to run
# the image's commands as plain processes.
set -eu
bin=$1
root=$2
mkdir -p "$root/usr/sbin" "$root/etc" "$root/sys/fs/bpf" "$root/proc" "$root/tmp"
cp "$bin" "$root/usr/sbin/xdpport"
chmod 0755 "$root/usr/sbin/xdpport"
for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
cp /etc/services "$root/etc/services"
