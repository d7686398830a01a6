#!/bin/sh
# Installs the Debian packages faultline needs when something is missing, and says what it
# does. Without root it prints the one command to run instead.
set -eu

missing=""
need() { # need PACKAGE TEST-COMMAND...
	pkg=$1
	shift
	"$@" >/dev/null 2>&1 || missing="$missing $pkg"
}
need gcc-riscv64-unknown-elf command -v riscv64-unknown-elf-gcc
need binutils-riscv64-linux-gnu command -v riscv64-linux-gnu-ld
need picolibc-riscv64-unknown-elf test -d /usr/lib/picolibc/riscv64-unknown-elf
need qemu-system-misc command -v qemu-system-riscv64
need opensbi test -d /usr/lib/riscv64-linux-gnu/opensbi
need gdb-multiarch command -v gdb-multiarch
need device-tree-compiler command -v dtc
need libcmocka-dev test -f /usr/include/cmocka.h
# static glibc programs for the tests, built as anyone would for Linux
need gcc-riscv64-linux-gnu command -v riscv64-linux-gnu-gcc
need libc6-dev-riscv64-cross test -f /usr/riscv64-linux-gnu/lib/libc.a
# U-Boot as boards boot (booti, distro boot from a disk image, FIT images), in the tests
need u-boot-qemu test -f /usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin
need u-boot-tools command -v mkimage
# the disk image's FAT file system, made and filled without root
need dosfstools sh -c 'command -v mkfs.vfat || test -x /usr/sbin/mkfs.vfat || test -x /sbin/mkfs.vfat'
need mtools command -v mcopy
# Linux's own mm selftests are built from its source
need linux-source-6.1 test -f /usr/src/linux-source-6.1.tar.xz
need python3 test -x /usr/bin/python3
# the pictures of make bench and make trace, drawn by Debian's Python
need python3-matplotlib /usr/bin/python3 -c "import matplotlib"
need gcc command -v cc
need make command -v make
if [ "${1:-}" = fuzz ]; then
	need clang command -v clang
	need libclang-rt-14-dev sh -c 'ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a'
fi

[ -z "$missing" ] && exit 0

echo "faultline: missing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "faultline: run this once as root, then try again:"
	echo "  apt-get update && apt-get install -y$missing"
	exit 1
fi
echo "faultline: installing them with apt-get (a few minutes on a fresh machine)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
echo "faultline: packages installed"
