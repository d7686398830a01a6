#!/usr/bin/env python3
"""Builds the disk image that U-Boot's distro boot starts, as boards boot Linux from an SD
card: an MBR with one bootable FAT32 partition at 1 MiB holding the flat image and
extlinux/extlinux.conf. Needs no root: the file system is made in a file of its own by
mkfs.vfat and filled by mtools, then placed behind a hand-written MBR.

U-Boot 2023.01 looks for a partition table first ("No partition table" on a bare FAT file
system), then for a bootable partition, then for extlinux/extlinux.conf on it."""

import argparse
import os
import shutil
import struct
import subprocess
import sys

SECTOR = 512
PART_START = 2048  # sectors: the partition starts at 1 MiB, as SD card images do
PART_MIB = 40  # a FAT32 file system needs 65525 clusters: 40 MiB of 512-byte clusters
MBR_BOOTABLE = 0x80
MBR_TYPE_FAT32_LBA = 0x0C
MBR_SIGNATURE = b"\x55\xaa"
DISK_ID = 0x666C7400  # fixed, so that the same inputs give the same image


def mbr(start, count):
    """A classic MBR: no boot code, one partition entry, the rest empty. CHS fields hold the
    'use LBA' values (0xfe/0xff/0xff) that partitioners write for large offsets."""
    entry = struct.pack("<B3sB3sII", MBR_BOOTABLE, b"\xfe\xff\xff", MBR_TYPE_FAT32_LBA,
                        b"\xfe\xff\xff", start, count)
    table = entry + bytes(16 * 3)
    return bytes(440) + struct.pack("<IH", DISK_ID, 0) + table + MBR_SIGNATURE


def extlinux_conf(label, kernel, fdt, append):
    lines = [f"# faultline: U-Boot's distro boot reads this ({label})",
             f"default {label}", "menu title faultline", "timeout 1", "",
             f"label {label}", f"\tkernel /{kernel}"]
    if fdt:
        lines.append(f"\tfdt /{os.path.basename(fdt)}")
    if append:
        lines.append(f"\tappend {append}")
    return "\n".join(lines) + "\n"


def run(*cmd):
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if out.returncode:
        sys.exit(f"mkdisk: {' '.join(cmd)} failed:\n{out.stdout}{out.stderr}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--kernel", required=True, help="the flat image (faultline.bin)")
    ap.add_argument("--label", default="faultline")
    ap.add_argument("--fdt", help="a devicetree to name in extlinux.conf (else U-Boot's own)")
    ap.add_argument("--append", default="", help="the boot arguments (/chosen/bootargs)")
    ap.add_argument("--file", action="append", default=[],
                    help="another file for the partition's root (e.g. a FIT image)")
    args = ap.parse_args()

    part = args.out + ".part"
    count = PART_MIB * 1024 * 1024 // SECTOR
    if os.path.exists(part):
        os.unlink(part)
    # -h: hidden sectors = the partition's offset, as a partitioned disk's FAT says
    # mkfs.vfat lives in /usr/sbin, outside a normal user's PATH
    mkfs = shutil.which("mkfs.vfat") or shutil.which("mkfs.vfat", path="/usr/sbin:/sbin")
    if not mkfs:
        sys.exit("mkdisk: mkfs.vfat not found (Debian package dosfstools)")
    run(mkfs, "-C", "-F", "32", "-s", "1", "-h", str(PART_START), "-i", "faa17111",
        "-n", "FAULTLINE", part, str(PART_MIB * 1024))
    conf = args.out + ".extlinux.conf"
    with open(conf, "w") as f:
        f.write(extlinux_conf(args.label, os.path.basename(args.kernel), args.fdt, args.append))
    run("mmd", "-i", part, "::/extlinux")
    run("mcopy", "-i", part, conf, "::/extlinux/extlinux.conf")
    run("mcopy", "-i", part, args.kernel, "::/" + os.path.basename(args.kernel))
    for extra in ([args.fdt] if args.fdt else []) + args.file:
        run("mcopy", "-i", part, extra, "::/" + os.path.basename(extra))

    with open(args.out, "wb") as out, open(part, "rb") as src:
        out.write(mbr(PART_START, count))
        out.truncate(PART_START * SECTOR)
        out.seek(PART_START * SECTOR)
        while True:  # sparse where the file system is empty
            block = src.read(1 << 16)
            if not block:
                break
            if block.count(0) == len(block):
                out.seek(len(block), os.SEEK_CUR)
            else:
                out.write(block)
        out.truncate((PART_START + count) * SECTOR)
    os.unlink(part)
    os.unlink(conf)
    print(f"  DISK    {args.out}: MBR, FAT32 partition at 1 MiB with "
          f"{os.path.basename(args.kernel)} and extlinux/extlinux.conf"
          + (f" (append: {args.append})" if args.append else ""))


if __name__ == "__main__":
    main()
