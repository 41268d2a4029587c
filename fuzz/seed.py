#!/usr/bin/env python3
"""Fills fuzz/corpus/<target>/ with seed inputs taken from the repository's own test data.

Run from anywhere: `python3 fuzz/seed.py`. Seeds are named by content hash (as libFuzzer names
its own corpus entries), so running it again adds nothing twice. The corpus directories are
git-ignored: they grow while fuzzing.
"""

import glob
import hashlib
import os
import re
import struct
import zlib

FUZZ = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(FUZZ)


def add(target, data):
    if isinstance(data, str):
        data = data.encode()
    if not data or len(data) > 4096:
        return
    d = os.path.join(FUZZ, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def files(*patterns):
    for p in patterns:
        for path in sorted(glob.glob(os.path.join(ROOT, p), recursive=True)):
            if os.path.isfile(path):
                yield path


def read(path):
    with open(path, "rb") as f:
        return f.read()


# parse_config: every configuration file of the corpus, valid and invalid, and the examples.
config_files = list(files("tests/corpus/valid/*/*.tf", "tests/corpus/valid/*/*.tf.json",
                          "tests/corpus/valid/*/modules/**/*.tf", "tests/corpus/invalid/*/*.tf",
                          "tests/corpus/invalid/*/*.tf.json", "examples/**/*.tf"))
for path in config_files:
    add("parse_config", read(path))
    # parse_fast: the same native-syntax files.
    if path.endswith(".tf"):
        add("parse_fast", read(path))

# eval_expr: the right-hand side of every one-line attribute in those files, plus hand-written
# expressions that reach each kind of sample value (see FuzzScope in src/lib.rs).
ATTR = re.compile(r"^\s*[A-Za-z_][A-Za-z0-9_-]*\s*=\s*(.+?)\s*$")
for path in config_files:
    if not path.endswith(".tf"):
        continue
    for line in read(path).decode("utf-8", "replace").splitlines():
        m = ATTR.match(line)
        if not m:
            continue
        expr = m.group(1)
        if expr.count("(") == expr.count(")") and expr.count("[") == expr.count("]") \
                and expr.count("{") == expr.count("}") and not expr.startswith("<<"):
            add("eval_expr", expr)
for expr in [
    "var.s", "upper(var.s)", "var.n + var.f * 2", "[for x in var.l : upper(x) if x != \"b\"]",
    "{for k, v in var.m : v => k}", "var.o.items[*]", "var.o.tags[\"env\"]", "var.u == null ? 1 : 2",
    "var.x", "nonsensitive(var.x)", "var.z != null", "length(var.t)", "tolist(var.t)[0]",
    "\"${var.s}-%{for i in var.l}${i}%{endfor}\"", "try(var.o.missing, \"fallback\")",
    "can(var.o.missing)", "range(3)", "jsonencode(var.o)", "yamlencode(var.m)",
    "format(\"%05.2f|%s\", 3.14159, var.s)", "cidrsubnet(\"10.0.0.0/8\", 8, 2)",
    "formatdate(\"YYYY-MM-DD\", \"2024-01-02T03:04:05Z\")", "base64decode(base64encode(var.s))",
    "regex(\"([a-z]+)\", var.s)", "setproduct(var.l, var.l)", "merge(var.m, {c = 3})",
    "lookup(var.m, \"a\", \"x\")", "sum([1, 2.5, var.n])", "pow(2, 10)", "parseint(\"ff\", 16)",
    "templatestring(\"${a}\", {a = 1})", "each.value.v", "count.index + 1", "path.module",
    "terraform.workspace", "-var.n % 7", "!var.b && var.b || true", "var.e[0]", "var.d",
]:
    add("eval_expr", expr)

# read_state: golden states of the corpus, the state crate's fixtures (valid and corrupt).
for path in files("tests/corpus/**/*.tfstate", "state/tests/fixtures/**/*.tfstate",
                  "state/tests/fixtures/**/*"):
    add("read_state", read(path))
    add("read_state_fast", read(path))

# journal: records in both modes (see fuzz_targets/journal.rs).
MAGIC = b"INFRAJ1\n"
records = [
    b'{"kind":"begin","lineage":"7c1a5f2e-0000-4000-8000-000000000001","base_serial":3}',
    b'{"kind":"intent","id":1,"addr":{"mode":"managed","type":"random_pet","name":"a"},'
    b'"action":"create","token":"tok-1","provider":"provider[\\"registry.terraform.io/hashicorp/random\\"]",'
    b'"planned":{"length":2},"at":"2024-01-02T03:04:05Z"}',
    b'{"kind":"outcome","intent":1,"changes":[{"addr":{"mode":"managed","type":"random_pet","name":"a"},'
    b'"provider":"provider[\\"registry.terraform.io/hashicorp/random\\"]",'
    b'"object":{"schema_version":0,"attributes":{"id":"x"},"sensitive_attributes":[]}}]}',
    b'{"kind":"intent","id":2,"addr":{"mode":"managed","type":"null_resource","name":"b","index_key":0,'
    b'"deposed":"00000001"},"action":"delete","token":"tok-2","provider":"p"}',
    b'{"kind":"outcome","intent":2,"error":"boom"}',
    b'{"kind":"change","addr":{"module":"module.m[\\"k\\"]","mode":"data","type":"d","name":"c",'
    b'"index_key":"k"},"provider":"p","object":null}',
    b'{"kind":"output","name":"o","value":{"value":"v","type":"string","sensitive":true}}',
    b'{"kind":"output","name":"o","value":null}',
]


def framed(payloads):
    out = MAGIC
    for p in payloads:
        out += struct.pack("<II", len(p), zlib.crc32(p)) + p
    return out


add("journal", b"F" + b"\0".join(records))
add("journal", b"F" + b"\0".join(records[:3]))
add("journal", framed(records))
add("journal", framed(records)[:-5])  # a torn final frame
add("journal", MAGIC[:4])
add("journal", framed(records[:1]))
