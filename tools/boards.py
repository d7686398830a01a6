#!/usr/bin/env python3
"""Board profiles for `make BOARD=...`: what differs between the boards faultline is flashed
to (where U-Boot puts the image, the image format, the console to expect) and each board's
boot recipe. The firmware itself finds all of it in the devicetree; these facts are for the
build and for the person at the board. tests/host/test_board.c checks the same facts against
each board's devicetree.

  boards.py list                  the boards, one line each
  boards.py get BOARD FIELD       one field (load_pa, format, dtb, uboot_addr, ...)
  boards.py recipe BOARD IMAGE    the boot recipe, naming the built image"""

import sys

# load_pa: where U-Boot 2023.01's booti runs the image: RAM start + the header's text_offset
# (0x200000). format: "disk" is the MBR + FAT image with extlinux/extlinux.conf that distro
# boot starts; "fit" adds a FIT image (boot.sd) for vendor U-Boots that run `bootm`.
BOARDS = {
    "virt": {
        "title": "QEMU virt (Debian's u-boot-qemu, S-mode U-Boot under OpenSBI)",
        "dtb": "qemu-7.2-virt_m_128M.dtb",
        "load_pa": "0x80200000",
        "format": "disk",
        "console": "ns16550a at 0x10000000 (no reg-shift), 8-bit registers",
        "memtype": "none (svpbmt with -cpu rv64,svpbmt=true)",
        "recipe": [
            "make run BOOT=uboot        # U-Boot's distro boot finds {image} on a virtio disk",
            "make run BOOT=uboot MACHINE=sifive_u   # no virtio there: the flat image from RAM;",
            "   stop autoboot and type:  booti 0x84000000 - ${{fdtcontroladdr}}",
        ],
    },
    "visionfive2": {
        "title": "StarFive VisionFive 2 (JH7110: four U74 harts, hart 0 an S7 without MMU)",
        "dtb": "jh7110-starfive-visionfive-2-v1.3b.dtb",
        "load_pa": "0x40200000",
        "format": "disk",
        "console": "snps,dw-apb-uart at 0x10000000, reg-shift 2, 32-bit registers, 115200 8N1",
        "memtype": "none",
        "recipe": [
            "The board's U-Boot lives in its SPI flash (boot mode switches both 0: QSPI).",
            "Write the image to a micro-SD card:  dd if={image} of=/dev/sdX bs=1M conv=fsync",
            "Power on: distro boot scans the card (mmc 1), reads extlinux/extlinux.conf and",
            "runs booti. By hand at the U-Boot prompt:",
            "  load mmc 1:1 ${{kernel_addr_r}} faultline.bin",
            "  booti ${{kernel_addr_r}} - ${{fdtcontroladdr}}",
        ],
    },
    "unmatched": {
        "title": "SiFive HiFive Unmatched (FU740: four U74 harts, hart 0 an S7 without MMU)",
        "dtb": "hifive-unmatched-a00.dtb",
        "load_pa": "0x80200000",
        "format": "disk",
        "console": "sifive,uart0 at 0x10010000, 115200 8N1 (the micro-USB port)",
        "memtype": "none",
        "recipe": [
            "With U-Boot in the SPI flash, put the image on a USB stick or NVMe drive;",
            "with U-Boot on the SD card, use one of those for {image}:",
            "  dd if={image} of=/dev/sdX bs=1M conv=fsync",
            "Distro boot scans mmc, nvme and usb. By hand at the U-Boot prompt:",
            "  usb start; load usb 0:1 ${{kernel_addr_r}} faultline.bin",
            "  booti ${{kernel_addr_r}} - ${{fdtcontroladdr}}",
        ],
    },
    "licheerv": {
        "title": "Sipeed Lichee RV Dock (Allwinner D1: one T-Head C906 hart with MAEE)",
        "dtb": "sun20i-d1-lichee-rv-dock.dtb",
        "load_pa": "0x40200000",
        "format": "disk",
        "console": "snps,dw-apb-uart at 0x02500000, reg-shift 2, 32-bit registers, 115200 8N1",
        "memtype": "thead-maee (PTE bits 59-63: RAM C|B|SH, devices SO|SH)",
        "recipe": [
            "The first MiB of {image} is free for the boot loader: write the image, then",
            "a U-Boot build for the board (SPL, OpenSBI and U-Boot: u-boot-sunxi-with-spl.bin)",
            "at 8 KiB, where the D1's boot ROM looks:",
            "  dd if={image} of=/dev/sdX bs=1M conv=fsync",
            "  dd if=u-boot-sunxi-with-spl.bin of=/dev/sdX bs=1024 seek=8 conv=notrunc,fsync",
            "U-Boot adds /memory to the devicetree (the D1's own has none). Distro boot runs",
            "extlinux.conf; by hand:",
            "  load mmc 0:1 ${{kernel_addr_r}} faultline.bin",
            "  booti ${{kernel_addr_r}} - ${{fdtcontroladdr}}",
        ],
    },
    "milkv-duo": {
        "title": "Milk-V Duo (CV1800B: one T-Head C906 hart with MAEE, 64 MiB)",
        "dtb": "cv1800b-milkv-duo.dtb",
        "load_pa": "0x80200000",
        "format": "fit",
        "console": "snps,dw-apb-uart at 0x04140000, reg-shift 2, 32-bit registers, 115200 8N1",
        "memtype": "thead-maee (PTE bits 59-63: RAM C|B|SH, devices SO|SH)",
        "recipe": [
            "The vendor's U-Boot runs `bootm` on boot.sd, a FIT image, from the card's FAT",
            "partition; {image} holds boot.sd (faultline.bin and the board's devicetree).",
            "  dd if={image} of=/dev/sdX bs=1M conv=fsync",
            "  copy fip.bin (its first-stage loader, OpenSBI and U-Boot) from the vendor's",
            "  SD image into that FAT partition",
            "The vendor's boot command may name a FIT configuration of its own; stop autoboot",
            "(or make this the bootcmd with setenv and saveenv) and type:",
            "  fatload mmc 0:1 ${{uImage_addr}} boot.sd; bootm ${{uImage_addr}}",
            "Its OpenSBI may enter at 0x80200020: the image runs wherever it is put.",
        ],
    },
    "icicle": {
        "title": "Microchip PolarFire SoC Icicle Kit (four U54 harts, hart 0 an E51)",
        "dtb": "mpfs-icicle-kit.dtb",
        "load_pa": "0x80200000",
        "format": "disk",
        "console": "ns16550a (MMUART1) at 0x20100000, reg-shift 2, 32-bit registers, "
                   "115200 8N1 (the second of the USB serial ports)",
        "memtype": "none",
        "recipe": [
            "The HSS starts U-Boot from eMMC or SD. To write the eMMC from a PC, type",
            "`usbdmsc` at the HSS console (the first USB serial port), then:",
            "  dd if={image} of=/dev/sdX bs=1M conv=fsync",
            "Distro boot runs extlinux.conf; by hand at the U-Boot prompt:",
            "  load mmc 0:1 ${{kernel_addr_r}} faultline.bin",
            "  booti ${{kernel_addr_r}} - ${{fdtcontroladdr}}",
        ],
    },
}


def main(argv):
    if len(argv) >= 1 and argv[0] == "list":
        for name, b in BOARDS.items():
            print(f"    {name:12} {b['title']}")
        return 0
    if len(argv) == 3 and argv[0] == "get":
        board = BOARDS.get(argv[1])
        if board is None:
            return 1
        print(board.get(argv[2], ""))
        return 0
    if len(argv) == 3 and argv[0] == "recipe":
        board = BOARDS.get(argv[1])
        if board is None:
            print(f"boards: no board '{argv[1]}' (make help lists them)", file=sys.stderr)
            return 1
        print(f"Board {argv[1]}: {board['title']}")
        print(f"  image      {argv[2]} ({board['format']} format)")
        print(f"  runs at    {board['load_pa']} (RAM start + the header's text_offset)")
        print(f"  console    {board['console']}")
        print(f"  memtype    {board['memtype']}")
        print("  recipe:")
        for line in board["recipe"]:
            print("    " + line.format(image=argv[2]))
        print("  The boot log's first lines name the board, memory, harts and console found.")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
