#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets from the project's test data and models.
#
#   fuzz/make_corpus.sh OUTDIR          # full corpora: OUTDIR/fuzz_{check,json,regex,model}/
#   fuzz/make_corpus.sh --seeds         # regenerate the small committed set, fuzz/seeds/
#
# Sources: tests/data/json/test_parsing/* (JSONTestSuite), tests/data/patterns/aws-patterns.jsonl
# (one file per pattern), tests/data/models/*.json, models/*/*/service-2.json (whole, and cut
# into one small model per operation), models/overlays/*.json, examples/ (when present), and
# one generated request per operation of each built-in model (all members, and required ones
# only). The full corpora are large: keep them in build directories, never commit them.
# Needs python3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
if [ "${1:-}" = "--seeds" ]; then
    mode=seeds
    out="$here/seeds"
elif [ $# -eq 1 ]; then
    mode=full
    out=$1
else
    echo "usage: $0 OUTDIR | --seeds" >&2
    exit 2
fi
mkdir -p "$out"
exec python3 - "$root" "$out" "$mode" <<'PY'
import hashlib, json, os, sys

root, out, mode = sys.argv[1], sys.argv[2], sys.argv[3]
small = mode == "seeds"
MODELS = [("vpc-lattice", "models/vpc-lattice/2022-11-30/service-2.json"),
          ("apprunner", "models/apprunner/2020-05-15/service-2.json")]

def put(target, data, name=None):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    name = name or hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

def clean(target):
    d = os.path.join(out, target)
    if os.path.isdir(d):
        for f in os.listdir(d):
            if not f.startswith("."):
                os.remove(os.path.join(d, f))

for t in ("fuzz_check", "fuzz_json", "fuzz_regex", "fuzz_model"):
    clean(t)

# --- fuzz_json: JSONTestSuite files ------------------------------------------------------------
tp = os.path.join(root, "tests/data/json/test_parsing")
suite = []
for f in sorted(os.listdir(tp)):
    data = open(os.path.join(tp, f), "rb").read()
    suite.append((f, data))
    if small and len(data) > 1024:
        continue
    put("fuzz_json", data, f)

# --- fuzz_check: a request per operation ------------------------------------------------------
def sample(shapes, name, depth, required_only):
    s = shapes[name]
    t = s["type"]
    if t == "structure":
        if depth > 5:
            return {}
        req = set(s.get("required", []))
        r = {}
        for mn, mm in s.get("members", {}).items():
            if required_only and mn not in req:
                continue
            r[mn] = sample(shapes, mm["shape"], depth + 1, required_only)
            if s.get("union"):
                break
        return r
    if t == "list":
        return [] if depth > 5 else [sample(shapes, s["member"]["shape"], depth + 1, required_only)]
    if t == "map":
        if depth > 5:
            return {}
        k = sample(shapes, s["key"]["shape"], depth + 1, required_only)
        return {k if isinstance(k, str) else "k": sample(shapes, s["value"]["shape"], depth + 1, required_only)}
    if t == "string":
        if s.get("enum"):
            return s["enum"][0]
        return "a" * max(int(s.get("min", 1)), 1)
    if t in ("integer", "long", "short", "byte"):
        return int(s.get("min", 1))
    if t in ("float", "double"):
        return 1.5
    if t == "boolean":
        return True
    if t == "timestamp":
        return 0
    if t == "blob":
        return "QUJD"
    return None

for mi, (svc, path) in enumerate(MODELS):
    m = json.load(open(os.path.join(root, path)))
    shapes = m["shapes"]
    ops = sorted(m["operations"])
    for oi, op in enumerate(ops):
        inp = m["operations"][op].get("input")
        for variant, req_only in ((0, False), (1, True)):
            if small and variant == 1:
                continue
            body = sample(shapes, inp["shape"], 0, req_only) if inp else {}
            hdr = bytes([mi | (0 << 1), oi, variant, 16])
            put("fuzz_check", hdr + json.dumps(body, separators=(",", ":")).encode(),
                "%s-%s-%d" % (svc, op, variant))
    # member targets: check_value (what 6) and check_string (what 7) on target 0
    put("fuzz_check", bytes([mi | (6 << 1), 0, 0, 8]) + b'"svc-0123456789abcdefg"', svc + "-value-0")
    put("fuzz_check", bytes([mi | (7 << 1), 0, 0, 8]) + b"svc-0123456789abcdefg", svc + "-string-0")
# broken requests: the JSONTestSuite files against operation 0
if not small:
    for f, data in suite:
        put("fuzz_check", bytes([0, 0, 0, 32]) + data, "suite-" + f)

# examples/SERVICE.OPERATION.{valid,invalid}.json: against their own operation
opindex = {}
for mi, (svc, path) in enumerate(MODELS):
    for oi, op in enumerate(sorted(json.load(open(os.path.join(root, path)))["operations"])):
        opindex[(svc, op)] = (mi, oi)
ex = os.path.join(root, "examples")
if os.path.isdir(ex):
    for dp, _, fs in os.walk(ex):
        for f in sorted(fs):
            if not f.endswith(".json"):
                continue
            data = open(os.path.join(dp, f), "rb").read()
            if len(data) > 4096:
                continue
            parts = f.split(".")
            mi, oi = opindex.get((parts[0], parts[1]) if len(parts) > 2 else None, (0, 0))
            put("fuzz_check", bytes([mi, oi, 0, 24]) + data, "example-" + f)
            put("fuzz_json", data, "example-" + f)

# --- fuzz_regex: one file per AWS pattern, with a subject ---------------------------------------
SUBJECTS = [b"", b"abc", b"arn:aws:iam::123456789012:role/x", b"svc-0123456789abcdefg",
            b"Hello World_1.2", "\u00e9\u20ac\U0001F600".encode(), b"a\nb", b"aaaaaaaaaaaaaaaaaaaaaaaa!"]
pats = [json.loads(l)["pattern"] for l in open(os.path.join(root, "tests/data/patterns/aws-patterns.jsonl"))]
for i, p in enumerate(pats):
    if small and i % 12:
        continue
    pb = p.encode()
    if b"\0" in pb:
        continue
    put("fuzz_regex", bytes([(i & 1) | (32 << 1)]) + pb + b"\0" + SUBJECTS[i % len(SUBJECTS)])

# --- fuzz_model: test models, overlays, and one small model per operation -----------------------
md = os.path.join(root, "tests/data/models")
for f in sorted(os.listdir(md)):
    put("fuzz_model", open(os.path.join(md, f), "rb").read(), "test-" + f)
ovl = open(os.path.join(root, "models/overlays/vpc-lattice.json"), "rb").read()

def closure(shapes, name, acc):
    if name in acc or name not in shapes:
        return
    acc.add(name)
    s = shapes[name]
    for mm in s.get("members", {}).values():
        closure(shapes, mm["shape"], acc)
    for k in ("member", "key", "value"):
        if k in s:
            closure(shapes, s[k]["shape"], acc)

def strip(x):
    if isinstance(x, dict):
        return {k: strip(v) for k, v in x.items() if k != "documentation"}
    if isinstance(x, list):
        return [strip(v) for v in x]
    return x

count = 0
for svc, path in MODELS:
    raw = open(os.path.join(root, path), "rb").read()
    if not small:
        put("fuzz_model", raw, svc + "-service-2.json")
    m = json.load(open(os.path.join(root, path)))
    for op in sorted(m["operations"]):
        o = m["operations"][op]
        acc = set()
        for k in ("input",):
            if k in o:
                closure(m["shapes"], o[k]["shape"], acc)
        for e in o.get("errors", []):
            if e["shape"] == "ValidationException":
                closure(m["shapes"], e["shape"], acc)
        sub = {"version": m["version"], "metadata": m["metadata"],
               "operations": {op: strip(o)}, "shapes": {s: strip(m["shapes"][s]) for s in sorted(acc)}}
        data = json.dumps(sub, separators=(",", ":")).encode()
        if len(data) > 8192 or (small and count % 3):
            count += 1
            continue
        count += 1
        put("fuzz_model", data, "%s-%s" % (svc, op))
        if svc == "vpc-lattice" and op.startswith("Tag"):
            put("fuzz_model", data + b"\0" + ovl, "%s-%s-overlay" % (svc, op))

for t in ("fuzz_check", "fuzz_json", "fuzz_regex", "fuzz_model"):
    d = os.path.join(out, t)
    n = len(os.listdir(d))
    size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
    print("%s: %d files, %d bytes" % (d, n, size))
PY
