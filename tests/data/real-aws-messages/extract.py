#!/usr/bin/env python3
"""Writes, for each case of cases.jsonl, the part of its botocore model that the case needs:
metadata, the operation, every shape reachable from its input, and the exception shapes (the
answer is derived from them). The subsets are committed (models/SERVICE/VERSION/service-2.json)
so that the test needs nothing outside the repository.

    extract.py BOTOCORE_DATA_DIR     (e.g. a checkout's botocore/data)
"""
import gzip, json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
data = sys.argv[1]


def load(service):
    versions = sorted(os.listdir(os.path.join(data, service)))
    d = os.path.join(data, service, versions[-1])
    for name in ("service-2.json", "service-2.json.gz"):
        p = os.path.join(d, name)
        if os.path.exists(p):
            with (gzip.open(p) if p.endswith(".gz") else open(p, "rb")) as f:
                return versions[-1], json.load(f)
    raise SystemExit("no model for " + service)


def reach(shapes, name, seen):
    if name in seen:
        return
    seen.add(name)
    s = shapes[name]
    for m in s.get("members", {}).values():
        reach(shapes, m["shape"], seen)
    for k in ("member", "key", "value"):
        if k in s:
            reach(shapes, s[k]["shape"], seen)


ops = {}
for line in open(os.path.join(here, "cases.jsonl")):
    c = json.loads(line)
    ops.setdefault(c["service"], set()).add(c["operation"])

for service, names in sorted(ops.items()):
    version, model = load(service)
    shapes = model["shapes"]
    keep = set()
    out_ops = {}
    for op in sorted(names):
        o = model["operations"][op]
        out_ops[op] = o
        if "input" in o:
            reach(shapes, o["input"]["shape"], keep)
    for n, s in shapes.items():
        if s.get("exception"):
            reach(shapes, n, keep)
    sub = {"version": model.get("version", "2.0"), "metadata": model["metadata"],
           "operations": out_ops, "shapes": {n: shapes[n] for n in sorted(keep)}}
    d = os.path.join(here, "models", service, version)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "service-2.json"), "w") as f:
        json.dump(sub, f, indent=1)  # model order kept: it decides the order of answers
        f.write("\n")
    print(service, version, len(keep), "shapes")
