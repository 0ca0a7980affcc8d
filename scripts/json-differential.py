#!/usr/bin/env python3
"""Differential test: Switchyard's JSONValidator against Python's json module on the same bytes.

Inputs: every JSONTestSuite `test_parsing` file, hand-picked edge cases, random JSON documents with
random whitespace, and byte-level mutations of all of these (flips, insertions of JSON tokens and
tricky UTF-8, deletions, truncations, duplicated slices). Each input goes through
`.build/fuzz/JSONVerdict` (built by `scripts/fuzz.sh tool JSONVerdict`; one process, length-prefixed
records on stdin) and through the reference below; verdicts are compared.

The reference is `json.loads` made strict: the bytes must be UTF-8 (Python's codec rejects overlong
forms, encoded surrogates and code points above U+10FFFF, like the validator), `NaN`/`Infinity` are
refused, and numbers are not converted (no int size limit). Known, accepted differences:
  - nesting deeper than 128: the validator refuses it by design (maxDepth), Python accepts up to its
    recursion limit;
  - lone surrogate escapes (`"\\ud800"`): both accept them, so they are not a difference.
Anything else is printed and makes the exit status 1.

usage: json-differential.py [--count N] [--seed S] [--tool PATH] [--suite DIR]
"""
import argparse
import json
import os
import random
import struct
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_DEPTH = 128

EDGE_CASES = [
    b"", b" ", b"0", b"-0", b"-", b"01", b"1.", b".1", b"1e", b"1e+", b"1E-0", b"+1", b"0x1", b"1_0",
    b"true", b"tru", b"truex", b"null ", b"nul", b"[", b"]", b"[1,]", b"[,1]", b"{,}", b'{"a"}', b'{"a":}',
    b'{"a":1,}', b'{"a" :1 }', b'{1:1}', b'"', b'"\\"', b'"\\x"', b'"\\u12"', b'"\\u12G4"', b'"\\uD800"',
    b'"\\uDC00\\uD800"', b'"\x00"', b'"\x1f"', b'"\x7f"', b'"\xc0\x80"', b'"\xc2"', b'"\xe0\x80\x80"',
    b'"\xed\xa0\x80"', b'"\xf4\x90\x80\x80"', b'"\xf0\x9f\x98\x80"', b'"\xff"', b"\xef\xbb\xbf[]", b"[1]\x00",
    b"NaN", b"Infinity", b"-Infinity", b"[NaN]", b"1 2", b"[] []", b"\x0c[]", b"[\xa0]", b"\t\r\n 1 \t\r\n",
    b"[" * 128 + b"]" * 128, b"[" * 129 + b"]" * 129, b"1" * 5000, b"0." + b"1" * 5000, b"1e99999",
]

TOKENS = [b"{", b"}", b"[", b"]", b":", b",", b'"', b"\\", b"\\u", b"\\uD800", b"\\uDC00", b"true", b"false",
          b"null", b"-", b"0", b"1", b".", b"e", b"E", b"+", b" ", b"\t", b"\n", b"\r", b"\x00", b"\x1f", b"\x7f",
          b"\xc3\xa9", b"\xe2\x82\xac", b"\xf0\x9f\x98\x80", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80",
          b"\x80", b"\xff", b"NaN", b"Infinity", b"\xef\xbb\xbf"]

STRINGS = ["", "a", "caf\u00e9", "\u20ac", "\U0001F600", "line\nbreak", "quote\"", "back\\slash", "\u0000",
           "\u001f", "/", "\ud800", "tab\t", "\u2028"]


def reference(data: bytes) -> bool:
    """True when `data` is exactly one JSON text by the strict reference."""
    try:
        text = data.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        return False

    def refuse(_):
        raise ValueError("constant")
    try:
        json.loads(text, parse_constant=refuse, parse_int=lambda s: 0, parse_float=lambda s: 0.0)
        return True
    except (ValueError, RecursionError):
        return False


def depth(data: bytes) -> int:
    """The deepest bracket nesting outside strings (for the known maxDepth difference)."""
    deepest = level = 0
    in_string = escaped = False
    for b in data:
        if in_string:
            if escaped:
                escaped = False
            elif b == 0x5C:
                escaped = True
            elif b == 0x22:
                in_string = False
        elif b == 0x22:
            in_string = True
        elif b in (0x5B, 0x7B):
            level += 1
            deepest = max(deepest, level)
        elif b in (0x5D, 0x7D):
            level -= 1
    return deepest


def random_value(rng: random.Random, level: int = 0):
    kind = rng.randrange(8 if level < 6 else 5)
    if kind == 0:
        return rng.choice([True, False, None])
    if kind == 1:
        return rng.choice([0, -1, 1, 10 ** rng.randrange(40), -(10 ** rng.randrange(40)) + 7])
    if kind == 2:
        return rng.choice([0.5, -1e-7, 1.5e300, 3.14159, -0.0, 2e-308])
    if kind in (3, 4):
        return "".join(rng.choice(STRINGS) for _ in range(rng.randrange(4)))
    if kind == 5:
        return [random_value(rng, level + 1) for _ in range(rng.randrange(5))]
    return {rng.choice(STRINGS) + str(i): random_value(rng, level + 1) for i in range(rng.randrange(5))}


def serialize(rng: random.Random, value) -> bytes:
    text = json.dumps(value, ensure_ascii=rng.random() < 0.5,
                      indent=rng.choice([None, None, 0, 2, "\t"]),
                      separators=rng.choice([(",", ":"), (", ", ": "), (" , ", " : ")]))
    pad = lambda: "".join(rng.choice(" \t\r\n") for _ in range(rng.randrange(3)))
    return (pad() + text + pad()).encode("utf-8", errors="surrogatepass")


def mutate(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randrange(1, 4)):
        op = rng.randrange(6)
        pos = rng.randrange(len(b) + 1)
        if op == 0 and b:
            b[min(pos, len(b) - 1)] = rng.randrange(256)
        elif op == 1:
            b[pos:pos] = rng.choice(TOKENS)
        elif op == 2 and b:
            del b[pos:pos + rng.randrange(1, 4)]
        elif op == 3:
            del b[pos:]
        elif op == 4 and b:
            end = min(len(b), pos + rng.randrange(1, 8))
            b[pos:pos] = b[pos:end]
        else:
            b[pos:pos] = bytes([rng.choice(b"0123456789.eE+-")])
    return bytes(b)


def suite_files(directory):
    if not directory or not os.path.isdir(directory):
        return []
    out = []
    for name in sorted(os.listdir(directory)):
        if name.endswith(".json"):
            with open(os.path.join(directory, name), "rb") as f:
                out.append((name, f.read()))
    return out


def run_tool(tool, inputs):
    payload = b"".join(struct.pack("<I", len(d)) + d for d in inputs)
    result = subprocess.run([tool], input=payload, stdout=subprocess.PIPE, check=True)
    lines = result.stdout.decode().splitlines()
    if len(lines) != len(inputs):
        sys.exit(f"tool answered {len(lines)} verdicts for {len(inputs)} inputs")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000, help="generated and mutated inputs")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--tool", default=os.path.join(ROOT, ".build/fuzz/JSONVerdict"))
    parser.add_argument("--suite", default=None, help="JSONTestSuite test_parsing folder")
    args = parser.parse_args()

    suite_dir = args.suite
    if suite_dir is None:
        # The copy kept in the repository, else a shared/testdata one found walking up.
        d = ROOT
        while d != "/" and suite_dir is None:
            for relative in ("Tests/Fixtures/JSONTestSuite/test_parsing", "shared/testdata/JSONTestSuite/test_parsing"):
                if os.path.isdir(os.path.join(d, relative)):
                    suite_dir = os.path.join(d, relative)
                    break
            d = os.path.dirname(d)
    rng = random.Random(args.seed)
    started = time.time()

    named = [(f"suite:{n}", d) for n, d in suite_files(suite_dir)] + [(f"edge:{i}", d) for i, d in enumerate(EDGE_CASES)]
    bases = [d for _, d in named]
    inputs = list(named)
    for i in range(args.count):
        if i % 3 == 0:
            data = serialize(rng, random_value(rng))
            bases.append(data)
            inputs.append((f"gen:{i}", data))
        else:
            inputs.append((f"mut:{i}", mutate(rng, rng.choice(bases))))

    verdicts = run_tool(args.tool, [d for _, d in inputs])
    agree = valid = expected = 0
    differences = []
    for (name, data), verdict in zip(inputs, verdicts):
        ours = verdict == "valid"
        theirs = reference(data)
        valid += ours
        if ours == theirs:
            agree += 1
        elif theirs and not ours and depth(data) > MAX_DEPTH:
            expected += 1
        else:
            differences.append((name, data, verdict, theirs))

    if not suite_dir:
        print("json-differential: JSONTestSuite not found, generated inputs only")
    print(f"json-differential: {len(inputs)} inputs ({len(named)} suite/edge files), {valid} valid, "
          f"{agree} agree, {expected} expected differences (depth > {MAX_DEPTH}), "
          f"{len(differences)} unexplained, {time.time() - started:.1f}s")
    for name, data, verdict, theirs in differences[:20]:
        print(f"  {name}: validator {verdict}, python {'valid' if theirs else 'invalid'}: {data[:80]!r}")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
