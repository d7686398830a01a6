#!/usr/bin/env python3
"""The test runner behind `make test`: runs the host test programs (cmocka) and boots the test
image on every QEMU machine, prints one line per case and machine, and ends with
"N passed, N failed". Exits non-zero on any failure, a missing result line or a hung QEMU."""

import argparse
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import time

# (label, QEMU machine, memory, extra arguments, memory line the boot log must show)
MACHINES = [
    ("virt-64M", "virt", "64M", [], "(64 MiB)"),
    ("virt-2G", "virt", "2G", [], "(2 GiB)"),
    ("virt-8G", "virt", "8G", [], "(8 GiB)"),
    ("sifive_u", "sifive_u", "128M", [], "(128 MiB)"),
    ("spike", "spike", "128M", [], "(128 MiB)"),
    # every hart runs tasks: 4 on virt, and sifive_u's 4 U54s (its E51 stays unused)
    ("virt-smp4", "virt", "256M", ["-smp", "4"], "(256 MiB)"),
    ("sifive_u-smp5", "sifive_u", "256M", ["-smp", "5"], "(256 MiB)"),
    # a hart with Svpbmt: device mappings must say IO, and the boot log svpbmt
    ("virt-svpbmt", "virt", "64M", ["-cpu", "rv64,svpbmt=true"], "(64 MiB)"),
]

# Static glibc programs (tests/glibc/), each run alone: on virt and one other machine.
GLIBC_MACHINES = [
    ("glibc-virt", "virt", "256M", ["-append", "ktest=tasks"], "(256 MiB)"),
    ("glibc-virt-smp2", "virt", "256M", ["-smp", "2", "-append", "ktest=tasks"], "(256 MiB)"),
    # and the mm stress program for a minute on this one
    ("glibc-virt-smp4", "virt", "256M", ["-smp", "4", "-append", "ktest=tasks argv.smp_stress=60"],
     "(256 MiB)"),
    ("glibc-sifive_u-smp5", "sifive_u", "256M", ["-smp", "5", "-append", "ktest=tasks"],
     "(256 MiB)"),
    # 3 usable ASIDs for many processes on 4 harts: ASIDs are recycled by generation; and
    # shootdowns by SBI RFENCE, the other way than the default IPI
    ("glibc-virt-asid2-smp4", "virt", "256M",
     ["-smp", "4", "-append", "ktest=tasks asid-bits=2 shootdown=rfence"], "(256 MiB)"),
]
# Linux 6.1's mm and futex selftests, built unmodified: each must exit 0, on one hart and four.
SELFTEST_MACHINES = [
    ("selftests-virt", "virt", "256M", ["-append", "ktest=tasks ktest=exit0"], "(256 MiB)"),
    ("selftests-virt-smp4", "virt", "256M", ["-smp", "4", "-append", "ktest=tasks ktest=exit0"],
     "(256 MiB)"),
]

QEMU_TIMEOUT = 240  # seconds; a healthy run takes a few (the glibc images at 4 and 5 harts,
# the smp4 one with its minute of stress, up to three on a busy 2-core host)
EXIT_TIMEOUT = 10  # seconds from the result line to QEMU's own exit
# The firmware hands its result to QEMU as the exit status through semihosting.
SEMIHOSTING = ["-semihosting-config", "enable=on,target=native"]
RESULT = re.compile(r"^(\d+) passed, (\d+) failed\s*$")
CASE = re.compile(r"^(ok|FAIL) - (\S+)")
# A test task announces a kill it is about to cause; its report line must follow.
EXPECT = re.compile(r"^expect-report: (\S+) (.*)$")


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def case(self, ok, where, name, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print(f"{'PASS' if ok else 'FAIL'} {where}: {name}{(' - ' + detail) if detail else ''}",
              flush=True)


def run_host(tally, prog, env):
    name = os.path.basename(prog)
    try:
        out = subprocess.run([prog, "tests/fixtures/dtb"], capture_output=True, text=True,
                             timeout=600, env=env)
    except subprocess.TimeoutExpired:
        tally.case(False, f"host/{name}", "finishes", "timed out")
        return
    text = out.stdout + out.stderr
    seen = 0
    for line in text.splitlines():
        m = re.match(r"^\[\s+(OK|FAILED)\s+\] (\S+)$", line)
        if m:
            seen += 1
            tally.case(m.group(1) == "OK", f"host/{name}", m.group(2))
    if out.returncode != 0 or seen == 0:
        sys.stdout.write(text[-4000:])
        tally.case(False, f"host/{name}", "exits cleanly",
                   f"exit status {out.returncode}, {seen} cases seen")


def run_host_py(tally, script):
    """A Python unittest file (host tests of tools/), one line per case."""
    name = os.path.basename(script)
    try:
        out = subprocess.run([sys.executable, script], capture_output=True, text=True,
                             timeout=300)
    except subprocess.TimeoutExpired:
        tally.case(False, f"host/{name}", "finishes", "timed out")
        return
    seen = 0
    for line in (out.stdout + out.stderr).splitlines():
        m = re.match(r"^(test\w+) \(.*\) \.\.\. (ok|FAIL|ERROR|skipped.*)$", line)
        if m:
            seen += 1
            if not m.group(2).startswith("skipped"):
                tally.case(m.group(2) == "ok", f"host/{name}", m.group(1))
    if out.returncode != 0 or seen == 0:
        sys.stdout.write((out.stdout + out.stderr)[-4000:])
        tally.case(False, f"host/{name}", "exits cleanly",
                   f"exit status {out.returncode}, {seen} cases seen")


def run_qemu(tally, qemu, image, label, machine, mem, extra, mem_line, logdir):
    cmd = [qemu, "-M", machine, "-m", mem, "-bios", "default", "-display", "none",
           "-serial", "stdio", "-monitor", "none", *SEMIHOSTING, "-kernel", image] + extra
    log_path = os.path.join(logdir, f"{label}.log")
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    lines, result, expected = [], None, []
    deadline = time.monotonic() + QEMU_TIMEOUT
    fd = proc.stdout.fileno()
    buf = b""
    while result is None:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        ready, _, _ = select.select([fd], [], [], min(left, 1.0))
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:  # QEMU exited
            break
        buf += chunk
        *done, buf = buf.split(b"\n")
        for raw in done:
            line = raw.decode("utf-8", "replace").replace("\0", "").rstrip("\r")
            lines.append(line)
            m = CASE.match(line)
            if m:
                tally.case(m.group(1) == "ok", label, m.group(2))
            m = EXPECT.match(line)
            if m:
                expected.append((m.group(1), re.compile(m.group(2))))
            elif line.startswith("faultline: task ") and " killed: " in line:
                for i, (name, rx) in enumerate(expected):
                    if rx.search(line):
                        tally.case(True, label, name + "/report_line")
                        del expected[i]
                        break
            if RESULT.match(line):
                result = RESULT.match(line)
    # The firmware ends QEMU itself (semihosting), with its result as the exit status.
    end = time.monotonic() + EXIT_TIMEOUT
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if not ready:
            if proc.poll() is not None:
                break
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        buf += chunk
    if buf:
        lines.extend(buf.decode("utf-8", "replace").replace("\r", "").split("\n"))
    try:  # its output may end a moment before the process does
        status = proc.wait(timeout=max(0.1, end - time.monotonic()))
    except subprocess.TimeoutExpired:
        status = None
    proc.kill()
    proc.wait()
    with open(log_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    for name, rx in expected:
        tally.case(False, label, name + "/report_line", f"no line matched {rx.pattern}")
    text = "\n".join(lines)
    tally.case("faultline" in text and "booting on hart" in text, label,
               "boot_log_names_version_and_boot_hart")
    tally.case(any(l.strip().startswith("memory") and mem_line in l for l in lines), label,
               f"boot_log_reports_{mem}_of_ram")
    tally.case("panic" not in text, label, "no_panic_during_the_run")
    usable = re.search(r"harts\s+\d+ in the devicetree, (\d+) usable", text)
    running = re.search(r"harts\s+(\d+) running tasks:", text)
    tally.case(bool(usable and running and usable.group(1) == running.group(1)), label,
               "every_usable_hart_is_started_and_runs_tasks",
               "" if usable and running else "no hart lines in the boot log")
    memtype = "svpbmt" if "svpbmt=true" in " ".join(extra) else "none"
    tally.case(re.search(rf"^  memtype +{memtype}$", text, re.M) is not None, label,
               f"boot_log_names_memtype_{memtype}")
    if result is None:
        tally.case(False, label, "result_line_printed",
                   f"no 'N passed, N failed' line within {QEMU_TIMEOUT}s (log: {log_path})")
    else:
        tally.case(True, label, "result_line_printed")
        tally.case("faultline: shutting down" in text, label, "firmware_shuts_down_after_tests")
        want = 0 if result.group(2) == "0" else 1
        tally.case(status == want, label, f"qemu_exits_by_itself_with_status_{want}",
                   "" if status == want else
                   "still running" if status is None else f"exit status {status}")


def boot(cmd, timeout, stop_at=None):
    """Runs QEMU until it exits, or until a line matching stop_at appeared, or timeout.
    Returns (console text, exit status or None when it had to be stopped)."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    fd, data = proc.stdout.fileno(), b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            data += chunk
        if stop_at and re.search(stop_at, data.decode("utf-8", "replace"), re.M):
            break
    try:
        status = proc.wait(timeout=0.1 if stop_at else max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        status = None
    proc.kill()
    proc.wait()
    return data.decode("utf-8", "replace").replace("\0", "").replace("\r", ""), status


def run_plain(tally, qemu, image, logdir):
    """A normal image (as `make` builds it, with test tasks of its own): what only test images
    may do is refused, and every machine ends QEMU by itself, or says it halted."""
    for machine, smp in (("virt", "1"), ("sifive_u", "2"), ("spike", "1")):
        base = [qemu, "-M", machine, "-smp", smp, "-m", "128M", "-bios", "default",
                "-display", "none", "-serial", "stdio", "-monitor", "none", "-kernel", image]
        label = f"plain-{machine}"
        text, status = boot(base + SEMIHOSTING, QEMU_TIMEOUT)
        with open(os.path.join(logdir, f"{label}.log"), "w") as f:
            f.write(text)
        cases = 0
        for line in text.splitlines():
            m = CASE.match(line)
            if m:
                cases += 1
                tally.case(m.group(1) == "ok", label, m.group(2))
        tally.case(cases > 0, label, "plain_image_tasks_report_their_cases")
        tally.case("@trace" not in text and "  trace " not in text, label,
                   "untraced_image_writes_no_trace")
        if machine == "virt":  # the summary counts what plainkills.elf did, by cause
            tally.case(re.search(r"; 2 unresolved$", text, re.M) is not None, label,
                       "summary_counts_unresolved_faults_not_efaults_as_kills")
            tally.case(re.search(r"^  tasks +6 started: 3 exited, 3 killed \(1 by SIGILL, "
                                 r"1 by SIGTRAP, 1 by SIGSEGV\)$", text, re.M) is not None,
                       label, "summary_counts_kills_by_signal")
            tally.case(re.search(r"^  boot +\d+\.\d{3} ms from the firmware's entry", text, re.M)
                       is not None and "from reset" not in text, label,
                       "boot_cost_is_time_when_instructions_are_not_exact")
        tally.case("faultline: shutting down (success)" in text and status == 0, label,
                   "normal_image_ends_qemu_with_exit_status_0",
                   "" if status == 0 else "still running" if status is None else
                   f"exit status {status}")
        if machine == "virt":
            text, status = boot(base + SEMIHOSTING + ["-icount", "shift=0"], QEMU_TIMEOUT)
            tally.case(re.search(r"^  boot +\d+ instructions from the firmware's entry to the "
                                 r"first task \(\d+ from reset\)$", text, re.M) is not None,
                       label, "boot_cost_is_instructions_under_icount")
            continue
        # by hand, without semihosting: nothing can power these off, and the firmware says so
        text, status = boot(base, QEMU_TIMEOUT, stop_at=r"^faultline: .*halted")
        with open(os.path.join(logdir, f"{label}-nosemihosting.log"), "w") as f:
            f.write(text)
        tally.case("faultline: the SBI cannot power this machine off; halted" in text, label,
                   "without_semihosting_the_firmware_says_it_halted")


def run_trace(tally, qemu, build, logdir):
    """The fault tracer on an image whose task has known fault sites (tests/qemu/trace/): its
    trace, through semihosting and through the console, folds to exactly the stacks and
    counts the task's functions cause; a small ring drops what does not fit and counts it."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
    import trace as fltrace
    image = os.path.join(build, "test", "faultline-trace.elf")
    elf = os.path.join(build, "tasks", "trace", "tracefaults.elf")
    out_dir = os.path.join(build, "test", "trace")
    os.makedirs(out_dir, exist_ok=True)
    trace_file = os.path.join(out_dir, "trace.txt")
    base = [qemu, "-M", "virt", "-m", "128M", "-bios", "default", "-display", "none",
            "-serial", "stdio", "-monitor", "none", "-kernel", image]
    sym = fltrace.Symbolizer([elf])
    want_frames = {"main;outer_a;touch_a": 5, "main;outer_d;leaf_d": 2,
                   "main;outer_f;mid_f;touch_f": 1}
    want_faults = dict(want_frames, **{"main;read_b": 3})
    want_frees = {"main;drop_e": 5}

    def from_main(folded):
        return {k[k.index(";main;") + 1:]: v for k, v in folded.items()
                if k.startswith("tracefaults.elf;") and ";main;" in k}

    def check(label, trace):
        frames = fltrace.fold(trace, sym, fltrace.FRAME_KINDS, fltrace.frames_weight)
        faults = fltrace.fold(trace, sym, fltrace.FAULT_KINDS, lambda e: 1)
        frees = fltrace.fold(trace, sym, ("free",), lambda e: e[6])
        for what, got, want in (("frames", frames, want_frames), ("faults", faults, want_faults),
                                ("frees", frees, want_frees)):
            got = from_main(got)
            tally.case(got == want, label, f"traced_{what}_fold_to_exactly_the_known_stacks",
                       "" if got == want else f"got {got}")
        asked = [m for m in trace.maps if m[2] == "asked" and m[3] == "tracefaults.elf"]
        exits = [m for m in trace.maps if m[2] == "exit" and m[3] == "tracefaults.elf"]
        states = {}
        if asked:
            region = [r for r in asked[0][4] if (r[1] - r[0]) == 16 * 4096]
            for s, n, st in asked[0][5]:
                if region and region[0][0] <= s < region[0][1]:
                    states[st] = states.get(st, 0) + n
        ok = states == {"private": 8, "zero": 3} and len(exits) == 1
        tally.case(ok, label,
                   "page_map_asked_for_shows_8_private_and_3_zero_pages_then_one_at_exit",
                   "" if ok else f"asked: {states}, {len(exits)} exit maps")
        drops = sum(d for _e, d in trace.stats.values())
        ok = trace.ended and drops == 0
        tally.case(ok, label, "trace_ends_with_no_record_dropped",
                   "" if ok else f"ended {trace.ended}, {drops} dropped")

    if os.path.exists(trace_file):
        os.remove(trace_file)
    text, status = boot(base + SEMIHOSTING + ["-append", f"trace=faults trace-file={trace_file}"],
                        QEMU_TIMEOUT)
    with open(os.path.join(logdir, "trace-semihosting.log"), "w") as f:
        f.write(text)
    ok = status == 0 and "faultline: shutting down (success)" in text
    ok = ok and os.path.exists(trace_file) and "@trace " not in text
    tally.case(ok, "trace", "trace_goes_to_the_host_file_not_the_console",
               "" if ok else f"exit status {status}")
    if os.path.exists(trace_file):
        with open(trace_file) as f:
            check("trace", fltrace.parse(f))

    # a board: nothing attached, so the console carries the same lines
    text, status = boot(base + ["-append", "trace=faults"], QEMU_TIMEOUT)
    with open(os.path.join(logdir, "trace-console.log"), "w") as f:
        f.write(text)
    tally.case("to the console" in text and "@trace ev " in text, "trace-console",
               "without_semihosting_the_trace_is_framed_on_the_console")
    check("trace-console", fltrace.parse(text.splitlines()))

    # a ring of 8 records written out only at exit: the rest is dropped, and counted
    if os.path.exists(trace_file):
        os.remove(trace_file)
    text, status = boot(base + SEMIHOSTING + ["-append", f"trace=faults trace-ring=8 "
                                              f"trace-flush=exit trace-file={trace_file}"],
                        QEMU_TIMEOUT)
    trace = fltrace.Trace()
    if os.path.exists(trace_file):
        with open(trace_file) as f:
            trace = fltrace.parse(f)
    events = sum(e for e, _d in trace.stats.values())
    drops = sum(d for _e, d in trace.stats.values())
    kept = len(trace.events)
    ok = drops > 0 and kept + drops == events and kept <= 8 * 4
    tally.case(ok, "trace-ring8", "a_full_ring_drops_records_and_counts_every_one",
               "" if ok else f"{events} events, {kept} kept, {drops} dropped")


def first_load_paddr(path):
    """The physical address of an ELF64's first PT_LOAD segment."""
    with open(path, "rb") as f:
        data = f.read()
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        p_type, = struct.unpack_from("<I", data, phoff + i * phentsize)
        if p_type == 1:  # PT_LOAD
            return struct.unpack_from("<Q", data, phoff + i * phentsize + 0x18)[0]
    return None


def run_rebuilds(tally, make, build):
    """Every make variable that changes the image is a dependency: changing it rebuilds what
    it affects, and an unchanged setting rebuilds nothing."""
    out_dir = os.path.join(build, "test", "rebuild")
    shutil.rmtree(out_dir, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    cc = shutil.which("riscv64-unknown-elf-gcc")
    base = {"AUDIT": "0"}

    def build_with(**settings):
        args = [make, "-j2", f"O={out_dir}", "all"] + [f"{k}={v}" for k, v in settings.items()]
        out = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
        steps = [l.split()[0] for l in out.stdout.splitlines()
                 if l.startswith("  ") and l.split() and l.split()[0] in ("CC", "AS", "LD", "TASK")]
        return out.returncode, out.stdout + out.stderr, steps

    rc, text, _ = build_with(**base)
    tally.case(rc == 0, "build", "fresh_build_succeeds", text[-300:] if rc else "")
    rc, text, steps = build_with(**base)
    tally.case(rc == 0 and not steps, "build", "unchanged_settings_rebuild_nothing",
               "" if not steps else f"rebuilt: {' '.join(steps)}")
    rc, text, steps = build_with(AUDIT="1")
    tally.case(rc == 0 and "CC      firmware/trap.c" in text and "LD" in steps, "build",
               "audit_setting_recompiles_and_relinks", "" if rc == 0 else text[-300:])
    rc, text, steps = build_with(AUDIT="1", LOAD_PA="0x80400000")
    paddr = first_load_paddr(os.path.join(out_dir, "faultline.elf"))
    ok = rc == 0 and paddr == 0x80400000
    tally.case(ok, "build", "load_pa_setting_relinks_at_the_new_address",
               "" if ok else f"first segment at {paddr:#x}" if paddr is not None else text[-300:])
    rc, text, steps = build_with(AUDIT="1", LOAD_PA="0x80400000", EXTRA_CFLAGS="-DSETTING_PROBE")
    ok = rc == 0 and steps.count("CC") > 10 and "LD" in steps
    tally.case(ok, "build", "compiler_flags_recompile_the_kernel",
               "" if ok else f"steps: {' '.join(steps)}")
    if cc:  # the same compiler named another way is another setting
        rc, text, steps = build_with(AUDIT="1", LOAD_PA="0x80400000", EXTRA_CFLAGS="-DSETTING_PROBE",
                                     CROSS_COMPILE=cc[:-len("gcc")])
        ok = rc == 0 and steps.count("CC") > 10 and "TASK" in steps
        tally.case(ok, "build", "cross_compile_setting_rebuilds_kernel_and_tasks",
                   "" if ok else f"steps: {' '.join(steps)}")
    big = os.path.join(out_dir, "big.elf")  # too big to embed; never loaded, so any bytes
    with open(big, "wb") as f:
        f.write(b"\0" * (9 << 20))
    rc, text, steps = build_with(**base, TASKS=big)
    ok = rc != 0 and re.search(r"faultline\.elf would be \d+ KiB, over the 8192 KiB the boot "
                               r"page tables map", text) and "big.elf 9216 KiB" in text
    tally.case(bool(ok), "build", "too_big_an_image_is_refused_naming_size_limit_and_largest_task",
               "" if ok else text[-400:])
    shutil.rmtree(out_dir, ignore_errors=True)


UBOOT = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"  # Debian's u-boot-qemu, S-mode
UBOOT_TIMEOUT = 40  # seconds: a U-Boot boot takes about 4 (2 of them autoboot's countdown)
# What a U-Boot boot must never print; a timeout fails it too.
UBOOT_FAILURES = ("Bad Linux RISCV Image magic!", "Image lacks image_size", "EXTLINUX FAILED",
                  "Unhandled exception", "panic", "No partition table")


def uboot(qemu, machine, mem, smp, extra, command, timeout):
    """Boots Debian's U-Boot under QEMU's OpenSBI. With @command, stops autoboot and types
    it (U-Boot drops input sent before its prompt); without, distro boot runs by itself.
    Returns (console text, exit status or None)."""
    cmd = [qemu, "-M", machine, "-m", mem, "-smp", smp, "-bios", "default", "-display", "none",
           "-serial", "stdio", "-monitor", "none", *SEMIHOSTING, "-kernel", UBOOT] + extra
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    data, sent, status = b"", command is None, None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            data += chunk
        if not sent and b"Hit any key to stop autoboot" in data:
            proc.stdin.write(b"\n")
            proc.stdin.flush()
            time.sleep(0.3)
            proc.stdin.write(command.encode() + b"\n")
            proc.stdin.flush()
            sent = True
    try:
        status = proc.wait(timeout=1)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    return data.decode("utf-8", "replace").replace("\r", "").replace("\0", ""), status


def uboot_verdict(tally, label, name, text, status):
    bad = [m for m in UBOOT_FAILURES if m in text]
    ok = not bad and "faultline: shutting down (success)" in text and status == 0
    tally.case(ok, label, name, "" if ok else (", ".join(bad) or
                                             "timed out" if status is None else
                                             f"exit status {status}"))


def run_uboot(tally, qemu, disk, flat_image, fit, logdir):
    """The images as boards boot them through Debian's S-mode U-Boot under OpenSBI: distro
    boot from the disk image (MBR, FAT, extlinux.conf with an append line) on a virtio disk,
    entered on whichever hart U-Boot runs (-smp 4: any of them); and on sifive_u, which has
    no virtio disk, booti of the flat image from RAM."""
    for smp in ("1", "4"):
        label = f"uboot-distro-smp{smp}"
        text, status = uboot(qemu, "virt", "256M", smp,
                             ["-drive", f"file={disk},format=raw,if=virtio,snapshot=on"],
                             None, UBOOT_TIMEOUT)
        with open(os.path.join(logdir, f"{label}.log"), "w") as f:
            f.write(text)
        uboot_verdict(tally, label, "distro_boot_finds_extlinux_conf_and_the_image_succeeds",
                      text, status)
        tally.case("Found /extlinux/extlinux.conf" in text, label,
                   "u_boot_reads_extlinux_conf_from_the_fat_partition")
        tally.case(re.search(r"^  bootargs   tasks=plainargs,plaincalls ", text, re.M)
                   is not None, label, "extlinux_append_line_arrives_as_bootargs")
        tally.case("plainargs: argc 3: [plainargs.elf] [from] [extlinux]" in text and
                   re.search(r"^faultline: 2 boot tasks started$", text, re.M) is not None,
                   label, "bootargs_choose_the_boot_tasks_and_their_argv")
        tally.case("faultline: unknown boot argument 'unknown-from-extlinux' ignored" in text,
                   label, "unknown_boot_arguments_are_named")
    label = "uboot-booti-sifive_u"
    text, status = uboot(qemu, "sifive_u", "256M", "2",
                         ["-device", f"loader,file={flat_image},addr=0x84000000"],
                         "booti 0x84000000 - ${fdtcontroladdr}", UBOOT_TIMEOUT)
    with open(os.path.join(logdir, f"{label}.log"), "w") as f:
        f.write(text)
    uboot_verdict(tally, label, "u_boot_booti_starts_the_flat_image_from_ram_and_it_succeeds",
                  text, status)
    # a FIT image, as vendor U-Boots (Milk-V Duo's) run it: bootm hands over the FIT's own
    # devicetree in place, only 4-byte aligned
    label = "uboot-bootm-fit"
    text, status = uboot(qemu, "virt", "256M", "1",
                         ["-device", f"loader,file={fit},addr=0x84000000"],
                         "bootm 0x84000000", UBOOT_TIMEOUT)
    with open(os.path.join(logdir, f"{label}.log"), "w") as f:
        f.write(text)
    uboot_verdict(tally, label, "u_boot_bootm_starts_the_fit_image_with_its_devicetree",
                  text, status)


def run_board_profiles(tally):
    """Each `make BOARD=` profile names a devicetree the repo carries, and the address it
    says the image runs at is what U-Boot's booti makes of that board's RAM: its start plus
    the image header's text_offset (boards whose devicetree has no memory are skipped)."""
    sys.path.insert(0, "tools")
    sys.dont_write_bytecode = True
    import boards  # the profiles themselves, not a copy
    for name, b in boards.BOARDS.items():
        path = os.path.join("tests", "fixtures", "dtb", b["dtb"])
        ok = os.path.exists(path)
        tally.case(ok, f"board-{name}", "profile_devicetree_is_in_the_repo", "" if ok else path)
        if not ok:
            continue
        dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", path],
                             capture_output=True, text=True).stdout
        m = re.search(r"\bmemory@([0-9a-f]+) \{", dts)
        if m:
            want = int(m.group(1), 16) + 0x200000
            ok = int(b["load_pa"], 16) == want
            tally.case(ok, f"board-{name}", "load_address_is_ram_start_plus_text_offset",
                       "" if ok else f"{b['load_pa']}, expected {want:#x}")


def run_insncount(tally, qemu, build, logdir):
    """The insncount plugin (make bench's per-hart counter) counts a marker-delimited loop of
    known length exactly on each hart, 2002 instructions, none of them the SBI's, with and
    without icount; and tells the SBI's instructions from the kernel's around a sleep."""
    image = os.path.join(build, "test", "faultline-insnloop.elf")
    plugin = os.path.join(build, "tools", "insncount.so")
    for label, harts, extra in (("insncount-icount", 1, ["-icount", "shift=0"]),
                                ("insncount-smp2", 2, [])):
        out = os.path.join(logdir, f"{label}.txt")
        if os.path.exists(out):
            os.remove(out)
        cmd = [qemu, "-M", "virt", "-m", "128M", "-smp", str(harts), "-bios", "default",
               "-display", "none", "-serial", "stdio", "-monitor", "none", *extra,
               "-kernel", image, "-plugin", f"{plugin},out={out}"]
        text, status = boot(cmd, QEMU_TIMEOUT)
        with open(os.path.join(logdir, f"{label}.log"), "w") as f:
            f.write(text)
        recs = []
        log = open(out).read() if os.path.exists(out) else ""
        for line in log.splitlines():
            w = line.split()
            if w[0] == "insncount":
                recs.append((int(w[1]), int(w[2]), [int(x) for x in w[3:]]))

        def window(start, i):
            """(vcpu, sbi, other) from the i-th `start` record to the next start+1 one"""
            starts = [r for r in recs if r[0] == start]
            ends = [r for r in recs if r[0] == start + 1]
            if i >= len(starts) or i >= len(ends) or starts[i][1] != ends[i][1]:
                return None
            v = starts[i][1]
            return (v, ends[i][2][2 * v] - starts[i][2][2 * v],
                    ends[i][2][2 * v + 1] - starts[i][2][2 * v + 1])
        ends = f"insncount-end {2 * harts + 2} -"
        tally.case(f"insnloop: done on {harts} cpus" in text and ends in log, label,
                   "plugin_logs_every_marker_at_exit")
        # logical CPU 0 is the boot hart, whichever vCPU OpenSBI's lottery picked, so the
        # loops visit the vCPUs in any order: each exactly once is what counts
        loops = [window(1, i) for i in range(harts)]
        tally.case(None not in loops and sorted(loops) == [(v, 0, 2002) for v in range(harts)],
                   label,
                   "plugin_counts_a_known_loop_exactly_on_each_hart",
                   f"(vcpu, sbi, other) = {loops}")
        sleep = window(3, 0)
        tally.case(sleep is not None and 0 < sleep[1] < sleep[2], label,
                   "plugin_counts_the_sbi_apart_from_the_kernel", f"(vcpu, sbi, other) = {sleep}")


def run_bootargs(tally, qemu, image, logdir):
    """Boot arguments from QEMU's -append: the boot tasks by name, in order, with argv."""
    label = "plain-bootargs"
    cmd = [qemu, "-M", "virt", "-m", "64M", "-bios", "default", "-display", "none", "-serial",
           "stdio", "-monitor", "none", *SEMIHOSTING, "-kernel", image, "-append",
           "tasks=plaincalls,plainargs,nosuch argv.plainargs.elf=a,b=c, tracing=maybe "
           "shootdown=sometimes"]
    text, status = boot(cmd, QEMU_TIMEOUT)
    with open(os.path.join(logdir, f"{label}.log"), "w") as f:
        f.write(text)
    tally.case("plainargs: argc 4: [plainargs.elf] [a] [b=c] []" in text, label,
               "argv_words_are_split_at_commas_and_may_be_empty")
    tally.case(re.search(r"^faultline: 2 boot tasks started$", text, re.M) is not None and
               "plainkills" not in text, label, "only_the_tasks_named_start")
    # started in the order given: pids follow it (which runs first is the scheduler's)
    tally.case(re.search(r"^faultline: task plainargs\.elf pid 2 exited", text, re.M)
               is not None and re.search(r"^faultline: task plaincalls\.elf pid 1 exited",
                                         text, re.M) is not None, label,
               "named_tasks_start_in_the_order_given")
    tally.case("faultline: tasks=: no task image called 'nosuch'" in text, label,
               "a_task_name_without_an_image_is_named")
    tally.case("faultline: unknown boot argument 'shootdown=sometimes' ignored" in text and
               re.search(r"^  shootdown  ipi ", text, re.M) is not None, label,
               "an_unknown_shootdown_way_is_named_and_the_default_kept")
    tally.case("faultline: unknown boot argument 'tracing=maybe' ignored" in text and
               "unknown boot argument 'tasks=" not in text and
               "unknown boot argument 'argv." not in text, label,
               "only_unknown_boot_arguments_are_named")
    tally.case("faultline: shutting down (success)" in text and status == 0, label,
               "the_chosen_tasks_succeed")


FW_JUMP = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin"  # Debian's opensbi


def run_fw_jump(tally, qemu, flat_image, logdir):
    """The flat image behind OpenSBI's fw_jump, as boards whose first stage loads fw_jump:
    entered at 0x80200000 with the devicetree at 0x82200000."""
    cmd = [qemu, "-M", "virt", "-m", "256M", "-bios", FW_JUMP, "-display", "none",
           "-serial", "stdio", "-monitor", "none", *SEMIHOSTING, "-kernel", flat_image]
    text, status = boot(cmd, QEMU_TIMEOUT)
    with open(os.path.join(logdir, "fw_jump.log"), "w") as f:
        f.write(text)
    ok = "faultline: shutting down (success)" in text and status == 0
    tally.case(ok, "fw_jump", "opensbi_fw_jump_starts_the_flat_image_and_it_ends_with_status_0",
               "" if ok else f"exit status {status}")


def run_panic(tally, qemu, image, logdir):
    """An unexpected kernel trap must give a full report and stop the machine."""
    cmd = [qemu, "-M", "virt", "-m", "64M", "-bios", "default", "-display", "none",
           "-serial", "stdio", "-monitor", "none", *SEMIHOSTING, "-kernel", image,
           "-append", "ktest=panic"]
    try:
        out = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
        text = out.stdout.decode("utf-8", "replace").replace("\r", "")
        tally.case(out.returncode == 1, "virt-panic", "panic_ends_qemu_with_exit_status_1",
                   f"exit status {out.returncode}")
    except subprocess.TimeoutExpired as e:
        text = (e.stdout or b"").decode("utf-8", "replace")
        tally.case(False, "virt-panic", "machine_stops_after_a_panic", "QEMU still running")
    with open(os.path.join(logdir, "virt-panic.log"), "w") as f:
        f.write(text)
    checks = [
        ("panic_names_the_cause", r"faultline: panic: unexpected kernel trap: load page fault"),
        ("panic_gives_sepc_stval_and_sstatus",
         r"sepc 0x[0-9a-f]{16} stval 0xffffffd000000008 sstatus 0x"),
        ("panic_names_the_faulting_function", r"pc at 0x[0-9a-f]+ panic_victim\S*\+0x"),
        ("panic_dumps_the_registers", r"ra\s+0x[0-9a-f]{16}.*a0\s+0x[0-9a-f]{16}.*t6\s+0x"),
        ("panic_backtrace_has_symbol_names",
         r"backtrace:\n  0x[0-9a-f]+ firmware_payload\+0x[0-9a-f]+\n  0x[0-9a-f]+ kmain\+0x"),
        ("panic_halts_with_a_failure_status", r"faultline: panic: halting"),
    ]
    for name, rx in checks:
        tally.case(re.search(rx, text, re.S if name == "panic_dumps_the_registers" else 0)
                   is not None, "virt-panic", name)


def check_shootdown_ways(tally, logdir):
    """The glibc programs ran with each way of shooting down, as their boot logs say."""
    for label, way in (("glibc-virt-smp4", "ipi"), ("glibc-virt-asid2-smp4", "rfence")):
        try:
            with open(os.path.join(logdir, f"{label}.log")) as f:
                text = f.read()
        except OSError:
            text = ""
        tally.case(re.search(rf"^  shootdown  {way} ", text, re.M) is not None, label,
                   f"shootdowns_went_by_{way}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--qemu", default="qemu-system-riscv64")
    ap.add_argument("--make", default="make")
    ap.add_argument("host_tests", nargs="*")
    args = ap.parse_args()

    tally = Tally()
    env = dict(os.environ)
    env["FAULTLINE_QEMU_DTB_DIR"] = os.path.join(args.build, "dtb")
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1")
    for prog in args.host_tests:
        run_host(tally, prog, env)
    run_host_py(tally, os.path.join(os.path.dirname(os.path.abspath(__file__)), "host",
                                    "test_trace.py"))

    image = os.path.join(args.build, "test", "faultline-test.elf")
    logdir = os.path.join(args.build, "test", "logs")
    os.makedirs(logdir, exist_ok=True)
    for label, machine, mem, extra, mem_line in MACHINES:
        run_qemu(tally, args.qemu, image, label, machine, mem, extra, mem_line, logdir)
    glibc_image = os.path.join(args.build, "test", "faultline-glibc.elf")
    for label, machine, mem, extra, mem_line in GLIBC_MACHINES:
        run_qemu(tally, args.qemu, glibc_image, label, machine, mem, extra, mem_line, logdir)
    check_shootdown_ways(tally, logdir)
    selftest_image = os.path.join(args.build, "test", "faultline-selftests.elf")
    for label, machine, mem, extra, mem_line in SELFTEST_MACHINES:
        run_qemu(tally, args.qemu, selftest_image, label, machine, mem, extra, mem_line, logdir)
    run_panic(tally, args.qemu, image, logdir)
    run_plain(tally, args.qemu, os.path.join(args.build, "test", "faultline-plain.elf"), logdir)
    run_board_profiles(tally)
    run_bootargs(tally, args.qemu, os.path.join(args.build, "test", "faultline-plain.elf"), logdir)
    run_uboot(tally, args.qemu, os.path.join(args.build, "test", "faultline-plain.img"),
              os.path.join(args.build, "test", "faultline-plain.bin"),
              os.path.join(args.build, "test", "faultline-plain.itb"), logdir)
    run_trace(tally, args.qemu, args.build, logdir)
    run_insncount(tally, args.qemu, args.build, logdir)
    run_fw_jump(tally, args.qemu, os.path.join(args.build, "test", "faultline-plain.bin"), logdir)
    run_rebuilds(tally, args.make, args.build)

    print(f"{tally.passed} passed, {tally.failed} failed")
    return 1 if tally.failed or tally.passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
