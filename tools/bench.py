#!/usr/bin/env python3
"""make bench: boots the bench image under QEMU -icount shift=0 (guest instructions counted
exactly), collects the fault-path figures the bench task prints, and prints them beside the
Linux 6.1 figures measured the same way, with the ratio and the target. Also writes a CSV and,
when matplotlib is there, a bar chart under the build directory. Benchmarks are not tests:
nothing here fails on a slow figure."""

import argparse
import csv
import os
import re
import subprocess
import sys

import smpbench  # the multi-hart rows, beside this file

# Linux 6.1 on the same QEMU (guest instructions per operation; n=4096, n=256), from the
# project's anchor measurements of tinyconfig Linux in Sv39.
LINUX = {
    "a": (677, 675), "b": (1876, 1773), "c": (1960, 1856), "d": (2626, 2504),
    "e": (735, 734), "f": (110, 113), "f0": (37007, None), "g": (546, 375),
    "h": (180, None), "i": (57.6e6, None),
    # clock_gettime(CLOCK_MONOTONIC) by a direct call of __vdso_clock_gettime, timed with
    # rdtime * 100 (Linux 6.1 keeps rdinstret from U-mode); 59 through glibc's wrapper
    "v": (47, None),
    # a SIGSEGV handled by mprotect and return, with the re-arming mprotect: measured by
    # tests/bench/linux/segv_round_trip.c on the anchor kit's full-sv39 kernel (signals and
    # all), rdtime * 100 under -icount shift=0
    "s": (8423, None),
}
TARGET = {"a": 0.35, "b": 0.45, "c": 0.45, "d": 0.55, "e": 0.35, "f": 0.3, "g": 0.25,
          "h": 0.55, "v": 0.5, "s": 0.5}
NAMES = {
    "a": "read fault, untouched anonymous (zero page)",
    "b": "write fault, untouched anonymous",
    "c": "write fault on a zero-page mapping",
    "d": "COW write fault that copies",
    "e": "COW write fault that reuses",
    "f": "fork, per written page",
    "f0": "fork of a small task, total",
    "g": "munmap, per written page",
    "h": "null syscall (getppid)",
    "v": "clock_gettime(MONOTONIC) through the vDSO",
    "s": "SIGSEGV handled: mprotect, return, retry",
    "i": "firmware entry to first task",
}
LINE = re.compile(r"^bench: (\S+) (\d+) (?:min|median) (\d+) max (\d+)")


def boot(qemu, image, mem, timeout=600, extra=()):
    cmd = [qemu, "-M", "virt", "-m", mem, "-bios", "default", "-display", "none",
           "-serial", "stdio", "-monitor", "none", "-icount", "shift=0", "-kernel", image,
           *extra]
    out = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    return out.stdout.decode("utf-8", "replace").replace("\r", "").replace("\0", "")


def boot_cost(text):
    m = re.search(r"boot\s+(\d+) instructions from the firmware's entry to the first task "
                  r"\((\d+) from reset", text)
    return (int(m.group(1)), int(m.group(2))) if m else (None, None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--qemu", default="qemu-system-riscv64")
    ap.add_argument("--icount-smp", action="store_true",
                    help="boot the multi-hart rows at -smp 4 under -icount too")
    args = ap.parse_args()
    image = os.path.join(args.build, "bench", "faultline-bench.elf")

    print("bench: booting the bench image on QEMU virt -m 128M -icount shift=0 ...", flush=True)
    text = boot(args.qemu, image, "128M")
    with open(os.path.join(args.build, "bench", "bench-128M.log"), "w") as f:
        f.write(text)
    fig = {}
    for line in text.splitlines():
        m = LINE.match(line)
        if m:
            fig[(m.group(1), int(m.group(2)))] = (int(m.group(3)), int(m.group(4)))
    if "bench: done" not in text:
        print("bench: the bench task did not finish; see", args.build + "/bench/bench-128M.log")
        return 1
    boots = {"128M": boot_cost(text)}
    for mem in ("1G", "8G"):
        print(f"bench: booting at -m {mem} for the boot cost ...", flush=True)
        boots[mem] = boot_cost(boot(args.qemu, image, mem))

    # the same faults with the fault tracer on (trace=faults): every record with its stack,
    # written to a host file through semihosting as the rings fill
    print("bench: booting with trace=faults for the cost of tracing ...", flush=True)
    trace_file = os.path.join(args.build, "bench", "trace.txt")
    traced_text = boot(args.qemu, image, "128M", extra=[
        "-semihosting-config", "enable=on,target=native",
        "-append", f"trace=faults trace-file={trace_file}"])
    with open(os.path.join(args.build, "bench", "bench-traced.log"), "w") as f:
        f.write(traced_text)
    traced = {}
    for line in traced_text.splitlines():
        m = LINE.match(line)
        if m:
            traced[(m.group(1), int(m.group(2)))] = int(m.group(3))

    rows = []
    for k in ("a", "b", "c", "d", "e", "f", "g"):
        for i, n in enumerate((4096, 256)):
            if (k, n) in fig:
                lo, hi = fig[(k, n)]
                rows.append((k, n, lo, hi, LINUX[k][i]))
    rows.append(("f0", 1, *fig[("f0", 1)], LINUX["f0"][0]))
    rows.append(("h", 1, *fig[("h", 1)], LINUX["h"][0]))
    if ("v", 1) in fig:
        rows.append(("v", 1, *fig[("v", 1)], LINUX["v"][0]))
    if ("s", 1) in fig:
        rows.append(("s", 1, *fig[("s", 1)], LINUX["s"][0]))
    for mem, (fw, reset) in boots.items():
        rows.append(("i", mem, fw, reset, LINUX["i"][0]))

    print()
    print(f"{'id':<3} {'operation':<44} {'n':>5} {'faultline':>10} {'max':>10} "
          f"{'Linux 6.1':>10} {'ratio':>6} {'target':>6}")
    for k, n, lo, hi, lx in rows:
        if k == "i":
            ratio = f"{lo / 2e6:.2f}"
            print(f"{k:<3} {NAMES[k] + ' (-m ' + n + ')':<44} {'':>5} {lo:>10} "
                  f"{'':>10} {'<2M':>10} {ratio:>6} {'1.00':>6}   ({hi} from reset; Linux "
                  f"{int(lx / 1e6)}M)")
            continue
        ratio = lo / lx if lx else 0
        tgt = f"{TARGET[k]:.2f}" if k in TARGET else ""
        print(f"{k:<3} {NAMES[k]:<44} {n:>5} {lo:>10} {hi:>10} {lx:>10} {ratio:>6.2f} {tgt:>6}")

    print()
    print("with trace=faults (every fault recorded with its stack and written out):")
    for k in ("a", "b", "c", "d", "e"):
        if (k, 4096) in fig and (k, 4096) in traced:
            base, on = fig[(k, 4096)][0], traced[(k, 4096)]
            print(f"{k:<3} {NAMES[k]:<44} {4096:>5} {on:>10} ({on - base:+d} per fault for "
                  f"tracing)")
    print()
    for key in ("worst-a", "worst-b"):
        if (key, 4096) in fig:
            med, mx = fig[(key, 4096)]
            print(f"worst single fault ({key[-1]}): median {med}, max {mx} ({mx / med:.2f}x the "
                  f"median; target 1.2x)")
    for key in ("regions-a", "regions-b"):
        base = fig.get((key, 1), (0, 0))[0]
        for count in (100, 10000):
            if (key, count) in fig:
                print(f"{key[-1]} with {count} regions: {fig[(key, count)][0]} "
                      f"({fig[(key, count)][0] - base:+d} over 1 region; target < +100)")
    pt = re.search(r"bench: pt-pages-per-16MiB (\d+)", text)
    print("per-frame metadata: 8 bytes per 4 KiB frame")
    if pt:
        print(f"page-table pages per MiB touched: {int(pt.group(1)) / 16:.3f}")

    csv_path = os.path.join(args.build, "bench", "bench.csv")
    with open(csv_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "operation", "n", "faultline_min", "faultline_max", "linux",
                    "ratio"])
        for k, n, lo, hi, lx in rows:
            w.writerow([k, NAMES[k], n, lo, hi, lx, f"{lo / lx:.3f}" if lx else ""])
    print(f"\nbench: table written to {csv_path}")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        ks = [r for r in rows if r[1] == 4096 or r[0] in ("h", "v")]
        fig_, ax = plt.subplots(figsize=(9, 4))
        x = range(len(ks))
        ax.bar([i - 0.2 for i in x], [r[2] for r in ks], 0.4, label="faultline")
        ax.bar([i + 0.2 for i in x], [r[4] for r in ks], 0.4, label="Linux 6.1")
        ax.set_xticks(list(x), [r[0] for r in ks])
        ax.set_ylabel("guest instructions per operation")
        ax.legend()
        png = os.path.join(args.build, "bench", "bench.png")
        fig_.savefig(png, dpi=100, bbox_inches="tight")
        print(f"bench: chart written to {png}")
    except ImportError:
        print("bench: no chart (install python3-matplotlib for one)")
    print()
    smpbench.run(args.build, args.qemu, args.icount_smp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
