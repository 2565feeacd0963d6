#!/usr/bin/env python3
"""Runs scripts/rtl-area --ppu-lanes on small lane counts and checks the
synthesized rescale forms are ordered as the hardware says: per-layer (one
register pair, whatever the lanes) < shift-table (4-bit registers and a
6-bit adder per lane) < per-channel (a 38-bit register pair per lane), and
that the table forms grow with the lanes."""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def main():
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "area.json")
        subprocess.run([os.path.join(ROOT, "scripts", "rtl-area"),
                        "--ppu-lanes", "4", "--ppu-lanes", "8", "--json",
                        path], check=True, stdout=subprocess.DEVNULL)
        with open(path) as handle:
            rows = json.load(handle)["ppu_rescale"]["measurements"]
    ge = {(r["form"], r["lanes"]): r["gate_equivalents"] for r in rows}
    problems = []
    for lanes in (4, 8):
        order = [ge[(f, lanes)] for f in ("per-layer", "shift-table",
                                          "per-channel")]
        if not order[0] < order[1] < order[2]:
            problems.append("lanes %d: GE %s not increasing" % (lanes, order))
    if ge[("per-layer", 4)] != ge[("per-layer", 8)]:
        problems.append("per-layer area depends on the lanes")
    for form in ("shift-table", "per-channel"):
        if not ge[(form, 8)] > ge[(form, 4)]:
            problems.append("%s area does not grow with the lanes" % form)
    for p in problems:
        print("FAIL: " + p)
    print("ppu rescale area: %s" % ("ok" if not problems else "FAILED"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
