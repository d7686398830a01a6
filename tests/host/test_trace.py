#!/usr/bin/python3
"""Host tests of tools/trace.py: known stacks give known folded lines, symbols come from an
ELF's symbol table as nm reads it, and the flame graph and summary say what was folded.
Run by `make test` (tests/run.py), or alone: /usr/bin/python3 tests/host/test_trace.py"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import trace as fltrace  # noqa: E402  (tools/trace.py, not the standard library's module)


class FakeSymbols:
    """Functions at known addresses, as an ELF's symbol table would give them."""

    def __init__(self, funcs):
        self.funcs = funcs  # (start, end, name)

    def lookup(self, addr):
        for start, end, name in self.funcs:
            if start <= addr < end:
                return name
        return None


FUNCS = [(0x10000, 0x10100, "_start"), (0x10100, 0x10200, "main"),
         (0x10200, 0x10300, "outer"), (0x10300, 0x10400, "leaky.constprop.0.isra.0"),
         (0x10400, 0x10480, "memset")]


def symbolizer():
    sym = fltrace.Symbolizer([])
    sym.by_name["demo.elf"] = FakeSymbols(FUNCS)
    return sym


def ev(kind, stack, pid=1, pages=1, time=0):
    stack_text = ",".join(f"{a:x}" for a in stack) if stack else "-"
    return f"@trace ev {time} 0 {pid} {pid} {kind} 20000 {pages} {stack_text}"


class Folding(unittest.TestCase):
    def fold(self, lines, kinds=fltrace.FRAME_KINDS, weight=fltrace.frames_weight):
        trace = fltrace.parse(["@trace begin 1 10000000 1", "@trace task 1 demo.elf"] + lines)
        return fltrace.fold(trace, symbolizer(), kinds, weight)

    def test_frame_records_fold_outermost_first_with_the_task_name(self):
        # pc in leaky, ra (stale) in leaky, then the frame chain: outer, main, _start
        got = self.fold([ev("anon-alloc", [0x10310, 0x10320, 0x10210, 0x10110, 0x10010])] * 3)
        self.assertEqual(got, {"demo.elf;_start;main;outer;leaky": 3})

    def test_a_leaf_without_a_frame_record_gets_its_caller_from_ra(self):
        # pc in memset (a leaf), ra into leaky, the chain from leaky's caller on
        got = self.fold([ev("zero-to-private", [0x10404, 0x10330, 0x10210, 0x10110])])
        self.assertEqual(got, {"demo.elf;main;outer;leaky;memset": 1})

    def test_return_addresses_are_looked_up_one_byte_back(self):
        # a call as the last instruction of outer returns to the first byte of leaky
        got = self.fold([ev("anon-alloc", [0x10310, 0, 0x10300, 0x10110])])
        self.assertEqual(got, {"demo.elf;main;outer;leaky": 1})

    def test_frames_count_tables_by_their_pages_and_leave_out_faults_that_spend_none(self):
        got = self.fold([ev("table", [0x10310, 0x10210], pages=2),
                         ev("zero-map", [0x10310, 0x10210]),
                         ev("cow-reuse", [0x10310, 0x10210]),
                         ev("cow-copy", [0x10310, 0x10210])])
        self.assertEqual(got, {"demo.elf;outer;leaky": 3})

    def test_faults_fold_counts_every_fault_once(self):
        got = self.fold([ev("zero-map", [0x10310, 0x10210]), ev("stack-grow", [0x10310]),
                         ev("table", [0x10310], pages=3), ev("kill", [0x10110])],
                        kinds=fltrace.FAULT_KINDS, weight=lambda e: 1)
        self.assertEqual(got, {"demo.elf;outer;leaky": 1, "demo.elf;main": 1})

    def test_frees_count_pages_and_events_without_a_stack_say_why(self):
        got = self.fold([ev("free", [0x10110], pages=5), ev("free", [], pages=7)],
                        kinds=("free",), weight=lambda e: e[6])
        self.assertEqual(got, {"demo.elf;main": 5, "demo.elf;[exit or exec]": 7})

    def test_unknown_addresses_are_hex_and_vdso_addresses_named(self):
        got = self.fold([ev("anon-alloc", [0x20000, 0x3fff700100])])
        self.assertEqual(got, {"demo.elf;[vdso];0x20000": 1})

    def test_console_prefixes_and_cut_lines_are_skipped(self):
        trace = fltrace.parse(["noise", "[  1.0] @trace task 1 demo.elf",
                               "xx " + ev("anon-alloc", [0x10310]), "@trace ev 1 2",
                               "@trace stats 0 2 1", "@trace end"])
        self.assertEqual(len(trace.events), 1)
        self.assertEqual(trace.ev_names, ["demo.elf"])
        self.assertEqual(trace.stats, {0: (2, 1)})
        self.assertTrue(trace.ended)

    def test_a_pid_renamed_by_exec_keeps_old_events_under_the_old_name(self):
        trace = fltrace.parse(["@trace task 1 demo.elf", ev("anon-alloc", [0x10310]),
                               "@trace task 1 other.elf", ev("anon-alloc", [0x10310])])
        self.assertEqual(trace.ev_names, ["demo.elf", "other.elf"])

    def test_written_folded_lines_are_sorted_heaviest_first(self):
        d = tempfile.mkdtemp()
        try:
            path = os.path.join(d, "f.folded")
            fltrace.write_folded(path, {"t;a": 2, "t;b": 9, "t;c": 2})
            with open(path) as f:
                self.assertEqual(f.read(), "t;b 9\nt;a 2\nt;c 2\n")
        finally:
            shutil.rmtree(d)


class Outputs(unittest.TestCase):
    def test_flame_graph_has_title_search_and_counts_on_hover(self):
        svg = fltrace.flame_svg({"demo.elf;main;leaky": 3000, "demo.elf;main;parse": 400},
                                "frames by stack")
        self.assertIn("frames by stack", svg)
        self.assertIn("function search()", svg)
        self.assertIn("<title>leaky (3000 frames, 88.24%)</title>", svg)
        self.assertIn("<title>main (3400 frames, 100.00%)</title>", svg)

    def test_summary_names_the_heaviest_stack_per_task_first(self):
        trace = fltrace.parse(["@trace task 1 demo.elf"])
        text = fltrace.summary(trace, {"demo.elf;main;small": 5, "demo.elf;main;big": 300},
                               {"demo.elf;main;small": 5})
        lines = text.splitlines()
        i = lines.index("demo.elf: 305 frames spent, 5 given back")
        self.assertEqual(lines[i + 1].split(), ["300", "main;big"])


@unittest.skipUnless(shutil.which("cc") and shutil.which("nm"), "needs cc and nm")
class ElfSymbols(unittest.TestCase):
    def test_function_symbols_match_nm(self):
        d = tempfile.mkdtemp()
        try:
            src, exe = os.path.join(d, "s.c"), os.path.join(d, "s")
            with open(src, "w") as f:
                f.write("int alpha(int x) { return x + 1; }\n"
                        "int beta(int x) { return alpha(x) * 3; }\n"
                        "int main(int c, char **v) { (void)v; return beta(c); }\n")
            subprocess.run(["cc", "-O0", "-no-pie", "-o", exe, src], check=True)
            nm = subprocess.run(["nm", exe], capture_output=True, text=True, check=True).stdout
            addrs = {l.split()[2]: int(l.split()[0], 16) for l in nm.splitlines()
                     if len(l.split()) == 3 and l.split()[1] in "Tt"}
            syms = fltrace.Symbols(exe)
            for name in ("alpha", "beta", "main"):
                self.assertEqual(syms.lookup(addrs[name]), name)
                self.assertEqual(syms.lookup(addrs[name] + 2), name)
            self.assertIsNone(syms.lookup(1))
        finally:
            shutil.rmtree(d)


if __name__ == "__main__":
    unittest.main(verbosity=2)
