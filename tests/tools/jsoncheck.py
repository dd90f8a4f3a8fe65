#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Checks xdpport's --json output against the schemas written in docs/json.md.

    jsoncheck.py docs/json.md NAME < output     every non-empty line is one document
    jsoncheck.py docs/json.md --list            the schema names

A schema is a fenced block "```json schema=NAME" in the Markdown file, in JSON:
  "string" "uint" "number" "bool" "null"   a value of that type ("uint": integer >= 0)
  "string|null", "@port|null"              any of these
  "enum:pass,drop"                         one of these strings
  "@NAME"                                  the schema NAME
  [S]                                      an array whose every element is S
  {"key": S, "key?": S}                    an object with exactly these keys ("?": may
                                           be absent), each value S
Exit status: 0 every document matches, 1 one does not (the first mismatch is printed
with its path), 2 usage or a schema that does not parse.
"""
import json
import re
import sys

TYPES = {
    "string": lambda v: isinstance(v, str),
    "uint": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "bool": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


class Mismatch(Exception):
    pass


def load_schemas(path):
    text = open(path, encoding="utf-8").read()
    blocks = re.findall(r"^```json schema=(\S+)\n(.*?)^```", text, re.M | re.S)
    schemas = {}
    for name, body in blocks:
        if name in schemas:
            raise ValueError(f"schema {name} defined twice")
        try:
            schemas[name] = json.loads(body)
        except json.JSONDecodeError as e:
            raise ValueError(f"schema {name}: {e}") from None
    return schemas


def check(value, schema, schemas, path):
    if isinstance(schema, str):
        if schema.startswith("@"):
            if schema[1:] not in schemas:
                raise ValueError(f"{path}: no schema named {schema[1:]}")
            return check(value, schemas[schema[1:]], schemas, path)
        if schema.startswith("enum:"):
            allowed = schema[5:].split(",")
            if value not in allowed:
                raise Mismatch(f"{path}: {json.dumps(value)} is not one of {allowed}")
            return
        if "|" in schema:
            for alternative in schema.split("|"):
                try:
                    return check(value, alternative, schemas, path)
                except Mismatch:
                    pass
            raise Mismatch(f"{path}: {json.dumps(value)[:80]} is not {schema}")
        if schema not in TYPES:
            raise ValueError(f"{path}: unknown type {schema!r} in the schema")
        if not TYPES[schema](value):
            raise Mismatch(f"{path}: {json.dumps(value)[:80]} is not {schema}")
        return
    if isinstance(schema, list):
        if len(schema) != 1:
            raise ValueError(f"{path}: an array schema has one element schema")
        if not isinstance(value, list):
            raise Mismatch(f"{path}: {json.dumps(value)[:80]} is not an array")
        for i, item in enumerate(value):
            check(item, schema[0], schemas, f"{path}[{i}]")
        return
    if isinstance(schema, dict):
        if not isinstance(value, dict):
            raise Mismatch(f"{path}: {json.dumps(value)[:80]} is not an object")
        keys = {k.rstrip("?"): (k.endswith("?"), s) for k, s in schema.items()}
        for k in value:
            if k not in keys:
                raise Mismatch(f"{path}: key {k!r} is not in the schema")
        for k, (optional, s) in keys.items():
            if k in value:
                check(value[k], s, schemas, f"{path}.{k}")
            elif not optional:
                raise Mismatch(f"{path}: key {k!r} is missing")
        return
    raise ValueError(f"{path}: schema {schema!r} is neither a type, an array nor an object")


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        schemas = load_schemas(argv[1])
    except (OSError, ValueError) as e:
        print(f"jsoncheck: {e}", file=sys.stderr)
        return 2
    if argv[2] == "--list":
        print("\n".join(sorted(schemas)))
        return 0
    if argv[2] not in schemas:
        print(f"jsoncheck: no schema named {argv[2]} in {argv[1]}", file=sys.stderr)
        return 2
    lines = [line for line in sys.stdin.read().splitlines() if line.strip()]
    if not lines:
        print("jsoncheck: no document on stdin", file=sys.stderr)
        return 1
    for n, line in enumerate(lines, 1):
        try:
            check(json.loads(line), schemas[argv[2]], schemas, f"{argv[2]}")
        except json.JSONDecodeError as e:
            print(f"jsoncheck: line {n}: not JSON: {e}", file=sys.stderr)
            return 1
        except Mismatch as e:
            print(f"jsoncheck: line {n}: {e}", file=sys.stderr)
            return 1
        except ValueError as e:
            print(f"jsoncheck: {e}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
