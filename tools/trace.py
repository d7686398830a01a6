#!/usr/bin/python3
"""Turns a faultline fault trace (the "@trace" lines the firmware writes with the boot argument
trace=faults: a host file through semihosting, or a board's console log) into:

  faults.folded   every fault, one line per distinct stack: TASK;outermost;...;innermost COUNT
  frames.folded   the same for faults that spent frames, counting frames
  frees.folded    frames given back (munmap, MADV_DONTNEED, exit), by stack
  flame.svg       a flame graph of frames.folded (searchable, counts on hover)
  map-PID-TASK.png  each task's address space, page by page, coloured by state
  timeline.png    resident pages and fault rate over time, per task
  summary.txt     the heaviest stacks by frames spent, per task

The folded files are what flamegraph.pl, inferno and speedscope read. Function names come from
the symbol tables of the tasks' ELF files (--elf, matched by file name). The line format:

  @trace begin VERSION TIMEBASE_HZ HARTS
  @trace task PID NAME                      names PID from here on (fork, exec)
  @trace ev TIME HART PID TID KIND ADDR PAGES STACK
        KIND: zero-map anon-alloc zero-to-private cow-copy cow-reuse image-map image-copy
        stack-grow table kill fixup free; STACK: hex pc,ra,return addresses... or "-"
  @trace map PID TIME WHY NAME / region PID START END KIND PROT / pages PID START N STATE /
  @trace mapend PID                         a picture of PID's address space
  @trace stats HART EVENTS DROPS / @trace end
Anything before "@trace " on a line (a console's prefix) is ignored, as are other lines."""

import argparse
import bisect
import html
import os
import re
import struct
import sys

FAULT_KINDS = ("zero-map", "anon-alloc", "zero-to-private", "cow-copy", "cow-reuse", "image-map",
               "image-copy", "kill", "fixup")
# faults that spend frames, and how many: one each, and tables by their count
FRAME_KINDS = ("anon-alloc", "zero-to-private", "cow-copy", "image-copy", "table")
# what moves a task's resident private pages (struct vm's rss): a COW copy replaces one
RSS_UP = ("anon-alloc", "zero-to-private", "image-copy")


# ---- ELF symbols ------------------------------------------------------------------------------

class Symbols:
    """The function symbols of a static ELF64 (little-endian), for address lookups."""

    def __init__(self, path):
        self.starts, self.ends, self.names = [], [], []
        with open(path, "rb") as f:
            data = f.read()
        if data[:4] != b"\x7fELF" or data[4] != 2:
            raise ValueError(f"{path}: not an ELF64 file")
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3a)
        sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
                    for i in range(shnum)]
        syms = []
        for sh in sections:
            if sh[1] != 2:  # SHT_SYMTAB
                continue
            strtab = sections[sh[6]]
            for off in range(sh[4], sh[4] + sh[5], 24):
                name_off, info, _other, shndx, value, size = struct.unpack_from(
                    "<IBBHQQ", data, off)
                # functions, and global labels of assembly (_start), in a section of the
                # file (not absolute, not common)
                if not shndx or shndx >= 0xff00 or not value or \
                        not (info & 0xf == 2 or info == 0x10):
                    continue
                s = strtab[4] + name_off
                name = data[s:data.index(b"\0", s)].decode("utf-8", "replace")
                # rank: functions before labels, sized before not, plain names before _
                rank = (info & 0xf != 2, size == 0, name.startswith("_"), name)
                syms.append((value, rank, size, name))
        # one name per address: the best ranked of its aliases
        best = {}
        for value, rank, size, name in sorted(syms):
            if value not in best:
                best[value] = (size, name)
        addrs = sorted(best)
        for i, value in enumerate(addrs):
            size, name = best[value]
            # a label without a size reaches to the next symbol
            end = value + size if size else (addrs[i + 1] if i + 1 < len(addrs) else value + 1)
            self.starts.append(value)
            self.ends.append(end)
            self.names.append(name)

    def lookup(self, addr):
        i = bisect.bisect_right(self.starts, addr) - 1
        if i >= 0 and addr < self.ends[i]:
            return self.names[i]
        return None


# ---- parsing ----------------------------------------------------------------------------------

class Trace:
    def __init__(self):
        self.timebase = 10_000_000
        self.events = []  # (time, hart, pid, tid, kind, addr, pages, [stack])
        self.names = {}  # pid -> the name it had last
        self.ev_names = []  # the task name each event had when it happened
        self.maps = []  # (pid, time, why, name, regions, pages)
        self.stats = {}  # hart -> (events, drops)
        self.ended = False


def parse(lines):
    """A Trace from text lines: a trace file or a console log."""
    t = Trace()
    cur_maps = {}  # pid -> the picture being read (harts may interleave theirs)
    for raw in lines:
        i = raw.find("@trace ")
        if i < 0:
            continue
        f = raw[i + 7:].strip().split(" ")
        try:
            if f[0] == "ev":
                stack = [] if f[8] == "-" else [int(x, 16) for x in f[8].split(",")]
                pid = int(f[3])
                t.events.append((int(f[1]), int(f[2]), pid, int(f[4]), f[5], int(f[6], 16),
                                 int(f[7]), stack))
                t.ev_names.append(t.names.get(pid, "[kernel]" if pid == 0 else f"pid{pid}"))
            elif f[0] == "task":
                t.names[int(f[1])] = " ".join(f[2:])
            elif f[0] == "begin":
                t.timebase = int(f[2]) or t.timebase
            elif f[0] == "map":
                cur_maps[int(f[1])] = (int(f[1]), int(f[2]), f[3], " ".join(f[4:]), [], [])
            elif f[0] == "region" and int(f[1]) in cur_maps:
                cur_maps[int(f[1])][4].append((int(f[2], 16), int(f[3], 16), f[4], int(f[5])))
            elif f[0] == "pages" and int(f[1]) in cur_maps:
                cur_maps[int(f[1])][5].append((int(f[2], 16), int(f[3]), f[4]))
            elif f[0] == "mapend" and int(f[1]) in cur_maps:
                t.maps.append(cur_maps.pop(int(f[1])))
            elif f[0] == "stats":
                t.stats[int(f[1])] = (int(f[2]), int(f[3]))
            elif f[0] == "end":
                t.ended = True
        except (IndexError, ValueError):
            continue  # a line cut short (a console dropping characters): skip it
    return t


# ---- stacks -----------------------------------------------------------------------------------

VDSO_START = 0x3fff000000  # faultline maps the vDSO near the top of the user half
# GCC's names for copies of a function it specialised or split: the source's name is the one
# a reader looks for
CLONE_SUFFIX = re.compile(r"(\.(isra|constprop|part|cold|lto_priv)(\.\d+)?)+$")


class Symbolizer:
    def __init__(self, elfs):
        """@elfs: paths of the tasks' ELF files; a task is matched by its file name."""
        self.by_name = {}
        for p in elfs:
            try:
                self.by_name[os.path.basename(p)] = Symbols(p)
            except (OSError, ValueError):
                pass

    def frames(self, task, stack):
        """Function names of @stack (pc, ra, return addresses), outermost first. Return
        addresses are looked up one byte back (a call may be a function's last instruction);
        the ra of a function with a frame record repeats its pc's or its caller's function,
        so consecutive repeats are one frame."""
        syms = self.by_name.get(task)
        out = []
        for i, addr in enumerate(stack):
            if addr == 0:
                continue
            look = addr if i == 0 else addr - 1
            name = syms.lookup(look) if syms else None
            if name is not None:
                name = CLONE_SUFFIX.sub("", name)
            else:
                if addr >= VDSO_START:
                    name = "[vdso]"
                else:
                    name = f"0x{addr:x}"
            if out and out[-1] == name:
                continue
            out.append(name)
        out.reverse()
        return out


def folded_key(task, frames, empty="[no stack]"):
    # folded format: ';' separates frames, the last space the count
    clean = [f.replace(";", ":").replace(" ", "_") for f in frames]
    return ";".join([task.replace(";", ":").replace(" ", "_")] + (clean or [empty]))


def no_stack_label(ev):
    """What an event without a stack was: the firmware's own work on an address space that
    is not the running one (building a new program's stack, destroying one at exit)."""
    if ev[2] == 0:
        return "[boot]"
    return "[exit or exec]" if ev[4] == "free" else "[exec]"


def fold(trace, sym, kinds, weight):
    """{folded stack: count} over events whose kind is in @kinds, each counted weight(ev)."""
    out = {}
    for ev, task in zip(trace.events, trace.ev_names):
        if ev[4] not in kinds:
            continue
        key = folded_key(task, sym.frames(task, ev[7]), no_stack_label(ev))
        out[key] = out.get(key, 0) + weight(ev)
    return out


def frames_weight(ev):
    return ev[6] if ev[4] == "table" else 1


def write_folded(path, folded):
    with open(path, "w") as f:
        for k, v in sorted(folded.items(), key=lambda kv: (-kv[1], kv[0])):
            f.write(f"{k} {v}\n")


# ---- flame graph ------------------------------------------------------------------------------

def flame_svg(folded, title, width=1200, row=17):
    """An SVG flame graph of @folded: outermost frames at the bottom, each frame as wide as the
    count under it; hover gives names and counts, a click zooms, the search box highlights."""
    root = {"n": "all", "v": 0, "c": {}}
    for stack, count in folded.items():
        node = root
        node["v"] += count
        for name in stack.split(";"):
            node = node["c"].setdefault(name, {"n": name, "v": 0, "c": {}})
            node["v"] += count
    total = root["v"] or 1
    rects = []

    def depth_of(node):
        return 1 + max((depth_of(c) for c in node["c"].values()), default=0)

    depth = depth_of(root)
    top = 60
    height = top + depth * row + 30

    def walk(node, x, level):
        w = node["v"] / total * (width - 20)
        rects.append((node, 10 + x, level, w))
        cx = x
        for child in sorted(node["c"].values(), key=lambda c: c["n"]):
            walk(child, cx, level + 1)
            cx += child["v"] / total * (width - 20)

    walk(root, 0, 0)
    out = [f'<?xml version="1.0" standalone="no"?>\n'
           f'<svg version="1.1" width="{width}" height="{height}" '
           f'xmlns="http://www.w3.org/2000/svg" onload="init(evt)">\n'
           '<style>text{font-family:Verdana,sans-serif;font-size:12px}'
           '.f:hover rect{stroke:black;stroke-width:0.5;cursor:pointer}</style>\n'
           f'<rect width="100%" height="100%" fill="#f8f8f0"/>\n'
           f'<text x="{width // 2}" y="24" text-anchor="middle" style="font-size:17px">'
           f'{html.escape(title)}</text>\n'
           f'<text id="details" x="10" y="{height - 10}"> </text>\n'
           f'<text id="search" x="{width - 110}" y="24" style="cursor:pointer" '
           f'onclick="search()">Search</text>\n'
           f'<text id="reset" x="10" y="24" style="cursor:pointer;display:none" '
           f'onclick="unzoom()">Reset zoom</text>\n'
           f'<text id="matched" x="{width - 110}" y="{height - 10}"> </text>\n<g id="frames">\n']
    for node, x, level, w in rects:
        if w < 0.1:
            continue
        y = height - 30 - (level + 1) * row
        name = node["n"]
        h = sum(map(ord, name)) % 60
        color = f"rgb({205 + h % 50},{80 + h * 2 % 120},{40 + h % 40})"
        pct = node["v"] / total * 100
        tip = f"{name} ({node['v']} frames, {pct:.2f}%)"
        label = name if w > 7 * len(name) else name[:max(0, int(w / 7) - 2)] + ".." \
            if w > 21 else ""
        out.append(f'<g class="f" onmouseover="s(this)" onmouseout="c()" onclick="zoom(this)">'
                   f'<title>{html.escape(tip)}</title>'
                   f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row - 1}" '
                   f'fill="{color}" rx="2"/>'
                   f'<text x="{x + 3:.1f}" y="{y + row - 5}">{html.escape(label)}</text></g>\n')
    out.append("</g>\n<script><![CDATA[\n" + FLAME_JS + "\n]]></script>\n</svg>\n")
    return "".join(out)


FLAME_JS = r"""
var frames, details, matched;
function init(evt) { frames = document.getElementById("frames");
  details = document.getElementById("details"); matched = document.getElementById("matched"); }
function title(g) { return g.getElementsByTagName("title")[0].textContent; }
function s(g) { details.textContent = title(g); }
function c() { details.textContent = " "; }
function rect(g) { return g.getElementsByTagName("rect")[0]; }
function fit(g) { var r = rect(g), t = g.getElementsByTagName("text")[0];
  var w = parseFloat(r.getAttribute("width")), name = title(g).replace(/ \(.*$/, "");
  t.setAttribute("x", parseFloat(r.getAttribute("x")) + 3);
  var n = Math.floor(w / 7); t.textContent = n >= name.length ? name : n > 3 ? name.substr(0, n - 2) + ".." : ""; }
function zoom(g) { var r = rect(g), y0 = parseFloat(r.getAttribute("y"));
  var all = frames.getElementsByTagName("g"), W = document.documentElement.width.baseVal.value - 20;
  for (var i = 0; i < all.length; i++) { var q = rect(all[i]);
    if (q.orig_x === undefined) { q.orig_x = q.getAttribute("x"); q.orig_w = q.getAttribute("width"); } }
  var ox = parseFloat(r.orig_x), ow = parseFloat(r.orig_w);
  for (var i = 0; i < all.length; i++) { var q = rect(all[i]);
    var x = parseFloat(q.orig_x), w = parseFloat(q.orig_w), y = parseFloat(q.getAttribute("y"));
    if (x >= ox + ow - 0.01 || x + w <= ox + 0.01) { all[i].style.display = "none"; continue; }
    all[i].style.display = "";
    if (y > y0) { q.setAttribute("x", 10); q.setAttribute("width", W); }  /* an ancestor */
    else { q.setAttribute("x", 10 + (x - ox) / ow * W); q.setAttribute("width", w / ow * W); }
    fit(all[i]); }
  document.getElementById("reset").style.display = ""; }
function unzoom() { var all = frames.getElementsByTagName("g");
  for (var i = 0; i < all.length; i++) { var q = rect(all[i]); all[i].style.display = "";
    if (q.orig_x !== undefined) { q.setAttribute("x", q.orig_x); q.setAttribute("width", q.orig_w); }
    fit(all[i]); }
  document.getElementById("reset").style.display = "none"; }
function search() { var term = prompt("Search for (regular expression):", ""); if (term === null) return;
  var re = new RegExp(term), all = frames.getElementsByTagName("g"), hits = 0;
  for (var i = 0; i < all.length; i++) { var r = rect(all[i]);
    if (r.orig_fill === undefined) r.orig_fill = r.getAttribute("fill");
    if (term !== "" && re.test(title(all[i]))) { r.setAttribute("fill", "rgb(230,0,230)"); hits++; }
    else r.setAttribute("fill", r.orig_fill); }
  matched.textContent = term === "" ? " " : "Matched: " + hits; }
"""


# ---- pictures ---------------------------------------------------------------------------------

PAGE_COLOURS = {
    "none": "#f0f0f0", "zero": "#a6cee3", "private": "#e31a1c", "cow": "#ff7f00",
    "image": "#33a02c", "shared": "#6a3d9a", "table": "#404040",
}
PAGE_LABELS = {
    "zero": "zero page", "private": "private", "cow": "shared COW", "image": "image",
    "shared": "shared anonymous", "table": "page table", "none": "never touched",
}


def prot_text(p):
    return ("r" if p & 1 else "-") + ("w" if p & 2 else "-") + ("x" if p & 4 else "-")


def page_map_png(path, m, plt):
    """One row per region, its pages left to right coloured by state; a last row for the
    level-0 page-table pages."""
    pid, time, why, name, regions, pages = m
    rows = []
    for start, end, kind, prot in regions:
        n = (end - start) >> 12
        runs = [(max(s, start), min(s + k * 4096, end), st) for s, k, st in pages
                if st != "table" and s < end and s + k * 4096 > start]
        rows.append((f"{start:#x}-{end:#x} {kind} {prot_text(prot)} ({n} pages)", n,
                     [((a - start) >> 12, (b - a) >> 12, st) for a, b, st in runs]))
    tables = sum(k for s, k, st in pages if st == "table")
    if tables:
        rows.append((f"page tables ({tables} level-0 pages)", tables,
                     [(0, tables, "table")]))
    fig, ax = plt.subplots(figsize=(11, 0.45 * len(rows) + 1.6))
    for y, (label, n, runs) in enumerate(rows):
        ax.broken_barh([(0, 1)], (y - 0.4, 0.8), facecolors=PAGE_COLOURS["none"])
        for first, count, st in runs:
            ax.broken_barh([(first / max(n, 1), max(count / max(n, 1), 0.002))],
                           (y - 0.4, 0.8), facecolors=PAGE_COLOURS.get(st, "black"))
        counts = {}
        for _f, count, st in runs:
            counts[st] = counts.get(st, 0) + count
        text = ", ".join(f"{v} {PAGE_LABELS.get(k, k)}" for k, v in sorted(counts.items()))
        ax.text(1.01, y, text or "nothing mapped", va="center", fontsize=8)
    ax.set_yticks(range(len(rows)), [r[0] for r in rows], fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.invert_yaxis()
    ax.set_xticks([])
    ax.set_xlabel("pages of each region, lowest address at the left")
    when = {"exit": "at exit", "asked": "when it asked (SYS_FL_TRACE_MAP)",
            "at-fault": "after the fault trace-map-at named"}.get(why, why)
    ax.set_title(f"{name} (pid {pid}): address space {when}")
    from matplotlib.patches import Patch
    ax.legend(handles=[Patch(color=PAGE_COLOURS[k], label=PAGE_LABELS[k])
                       for k in ("zero", "private", "cow", "image", "shared", "table", "none")],
              loc="upper center", bbox_to_anchor=(0.5, -0.12 if len(rows) > 3 else -0.3),
              ncol=7, fontsize=8, frameon=False)
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)


def timeline_png(path, trace, plt):
    """Resident private pages (from the events: allocations up, frees down) and faults per
    millisecond, one line per task."""
    per = {}
    for ev, task in zip(trace.events, trace.ev_names):
        if ev[2] == 0:
            continue
        key = f"{task} ({ev[2]})"
        d = per.setdefault(key, {"t": [], "rss": [], "ft": [], "n": 0, "now": 0})
        t_ms = ev[0] / trace.timebase * 1000
        if ev[4] in RSS_UP:
            d["now"] += 1
        elif ev[4] == "free":
            d["now"] -= ev[6]
        else:
            pass
        d["t"].append(t_ms)
        d["rss"].append(d["now"])
        if ev[4] in FAULT_KINDS:
            d["ft"].append(t_ms)
    fig, (a1, a2) = plt.subplots(2, 1, figsize=(11, 6), sharex=True)
    for key, d in sorted(per.items()):
        a1.step(d["t"], d["rss"], where="post", label=key)
        if d["ft"]:
            lo, hi = d["ft"][0], d["ft"][-1]
            bins = max(1, min(200, int(hi - lo) + 1))
            counts, edges = [0] * bins, [lo + (hi - lo + 1e-9) * i / bins for i in range(bins + 1)]
            for x in d["ft"]:
                counts[min(bins - 1, int((x - lo) / (hi - lo + 1e-9) * bins))] += 1
            width = (edges[1] - edges[0]) or 1
            a2.step(edges[:-1], [c / width for c in counts], where="post", label=key)
    a1.set_ylabel("resident private pages")
    a1.set_title("resident pages and fault rate per task")
    a2.set_ylabel("faults per ms")
    a2.set_xlabel("time since boot (ms)")
    if per:
        a1.legend(fontsize=8, loc="upper left")
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)


# ---- summary ----------------------------------------------------------------------------------

def summary(trace, frames, frees, top=5):
    lines = []
    tasks = {}
    for k, v in frames.items():
        tasks.setdefault(k.split(";", 1)[0], []).append((v, k))
    freed = {}
    for k, v in frees.items():
        t = k.split(";", 1)[0]
        freed[t] = freed.get(t, 0) + v
    nf = sum(1 for e in trace.events if e[4] in FAULT_KINDS)
    lines.append(f"{nf} faults, {sum(frames.values())} frames spent, "
                 f"{sum(frees.values())} given back, in {len(trace.events)} events")
    drops = sum(d for _e, d in trace.stats.values())
    lines.append(f"records dropped: {drops}" + ("" if trace.ended else
                                                  " (the trace has no end mark: cut short?)"))
    for t, items in sorted(tasks.items(), key=lambda kv: -sum(v for v, _k in kv[1])):
        spent = sum(v for v, _k in items)
        lines.append("")
        lines.append(f"{t}: {spent} frames spent, {freed.get(t, 0)} given back")
        for v, k in sorted(items, reverse=True)[:top]:
            lines.append(f"  {v:7d}  {k.split(';', 1)[1] if ';' in k else k}")
    return "\n".join(lines) + "\n"


def safe(name):
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("trace", help="trace file, or a console log holding @trace lines")
    ap.add_argument("--elf", nargs="*", default=[], help="the tasks' ELF files")
    ap.add_argument("--out", default="build/trace", help="directory for what is written")
    ap.add_argument("--title", default="faultline: frames spent by fault stacks")
    ap.add_argument("--no-png", action="store_true", help="folded files, SVG and summary only")
    args = ap.parse_args()

    with open(args.trace, errors="replace") as f:
        trace = parse(f)
    if not trace.events and not trace.maps:
        print(f"trace: no @trace records in {args.trace}", file=sys.stderr)
        return 1
    os.makedirs(args.out, exist_ok=True)
    sym = Symbolizer(args.elf)
    faults = fold(trace, sym, FAULT_KINDS, lambda ev: 1)
    frames = fold(trace, sym, FRAME_KINDS, frames_weight)
    frees = fold(trace, sym, ("free",), lambda ev: ev[6])
    write_folded(os.path.join(args.out, "faults.folded"), faults)
    write_folded(os.path.join(args.out, "frames.folded"), frames)
    write_folded(os.path.join(args.out, "frees.folded"), frees)
    with open(os.path.join(args.out, "flame.svg"), "w") as f:
        f.write(flame_svg(frames, args.title))
    text = summary(trace, frames, frees)
    with open(os.path.join(args.out, "summary.txt"), "w") as f:
        f.write(text)
    written = ["faults.folded", "frames.folded", "frees.folded", "flame.svg", "summary.txt"]
    if not args.no_png:
        try:
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            print("trace: no pictures (install python3-matplotlib for them)", file=sys.stderr)
            plt = None
        if plt:
            last = {}
            for m in trace.maps:  # the last picture of each task, and every one asked for
                last[(m[0], m[2] if m[2] != "exit" else "exit")] = m
            for (pid, why), m in sorted(last.items()):
                name = f"map-{pid}-{safe(m[3])}{'' if why == 'exit' else '-' + why}.png"
                page_map_png(os.path.join(args.out, name), m, plt)
                written.append(name)
            timeline_png(os.path.join(args.out, "timeline.png"), trace, plt)
            written.append("timeline.png")
    sys.stdout.write(text)
    print(f"trace: wrote {', '.join(written)} to {args.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
