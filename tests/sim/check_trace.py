"""Checks an npusim --trace file: valid Chrome trace-event JSON that the
viewers (Perfetto, chrome://tracing) accept, with properly nested complete
events on every track.

Usage: python3 check_trace.py TRACE.json [--require-overlap]

Checks: the top level is an object with a "traceEvents" list; every event
has ph, pid and name; "X" events have numeric ts >= 0 and dur >= 0 and a
tid; every tid with events has a thread_name; on each track, converted to
integer nanoseconds the way the viewers do, any two complete events are
either disjoint or one contains the other; instruction events exist.
--require-overlap: some load-queue instruction runs while a compute-queue
instruction runs (the decoupled queues overlap).
Prints one summary line; exit status 1 on the first violation.
"""

import json
import sys


def fail(message):
    print("check_trace: FAIL: %s" % message)
    sys.exit(1)


def main(argv):
    if not argv or argv[0].startswith("-"):
        fail("usage: check_trace.py TRACE.json [--require-overlap]")
    path = argv[0]
    require_overlap = "--require-overlap" in argv[1:]
    try:
        with open(path, "r", encoding="utf8") as handle:
            trace = json.load(handle)
    except (OSError, ValueError) as exc:
        fail("%s: %s" % (path, exc))
    if not isinstance(trace, dict) or not isinstance(
            trace.get("traceEvents"), list):
        fail("no traceEvents list")

    names = {}
    tracks = {}
    for event in trace["traceEvents"]:
        for key in ("ph", "pid", "name"):
            if key not in event:
                fail("event without %s: %r" % (key, event))
        if event["ph"] == "M":
            if event["name"] == "thread_name":
                names[event["tid"]] = event["args"]["name"]
            continue
        if event["ph"] != "X":
            fail("unexpected phase %r" % event["ph"])
        ts, dur = event.get("ts"), event.get("dur")
        if not isinstance(ts, (int, float)) or not isinstance(
                dur, (int, float)) or ts < 0 or dur < 0:
            fail("bad ts/dur in %r" % event)
        if "tid" not in event:
            fail("complete event without tid: %r" % event)
        start = int(round(ts * 1000))
        end = start + int(round(dur * 1000))
        tracks.setdefault(event["tid"], []).append(
            (start, -end, event["name"], event.get("cat", "")))

    if not tracks:
        fail("no complete events")
    count = 0
    for tid, events in tracks.items():
        if tid not in names:
            fail("track %r has no thread_name" % tid)
        events.sort()
        stack = []
        for start, neg_end, name, _ in events:
            end = -neg_end
            while stack and stack[-1][0] <= start:
                stack.pop()
            if stack and end > stack[-1][0]:
                fail("track %s: %r [%d, %d) overlaps %r ending at %d "
                     "without nesting" % (names[tid], name, start, end,
                                          stack[-1][1], stack[-1][0]))
            stack.append((end, name))
            count += 1

    def busy(track_name):
        tids = [t for t, n in names.items() if n == track_name]
        return [(s, -e) for t in tids for s, e, _, c in tracks.get(t, [])
                if c == "instruction" and -e > s]

    if not busy("compute") and not busy("load"):
        fail("no instruction events on the load or compute track")
    overlap = 0
    if require_overlap:
        compute = sorted(busy("compute"))
        for ls, le in busy("load"):
            for cs, ce in compute:
                if cs >= le:
                    break
                overlap += max(0, min(le, ce) - max(ls, cs))
        if overlap == 0:
            fail("no load instruction overlaps a compute instruction")
    print("check_trace: ok: %d complete events on %d tracks, properly nested"
          "%s" % (count, len(tracks),
                  ", load/compute overlap %d ns" % overlap
                  if require_overlap else ""))


if __name__ == "__main__":
    main(sys.argv[1:])
