#!/usr/bin/env python3
"""Regenerates the HealingGrains fix corpus (NN-*.diff + expected.json) in this folder.

Each case is written as a "marked" source file: a line starting with '-' exists only in the
BEFORE version, a line starting with '+' only in the AFTER version, every other line in both.
The unified diffs (3 lines of context, git headers with real blob ids) are produced with difflib,
so hunk headers are always consistent with their bodies. Run check.py afterwards.
"""
import difflib
import hashlib
import json
import os
import sys

sys.dont_write_bytecode = True

from corpus_cases import CASES

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the corpus folder, one up


def split_marked(text):
    before, after = [], []
    for line in text.lstrip("\n").split("\n"):
        if line.startswith("+"):
            after.append(line[1:])
        elif line.startswith("-"):
            before.append(line[1:])
        else:
            before.append(line)
            after.append(line)
    # the marked text ends with a newline -> last split element is empty
    while before and before[-1] == "" and after and after[-1] == "":
        before.pop()
        after.pop()
    return before, after


def blob_id(lines):
    data = ("\n".join(lines) + "\n").encode("utf-8")
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()[:7]


def file_diff(path, marked):
    before, after = split_marked(marked)
    if before == after:
        raise SystemExit(f"{path}: marked text has no change")
    out = [
        f"diff --git a/{path} b/{path}",
        f"index {blob_id(before)}..{blob_id(after)} 100644",
        f"--- a/{path}",
        f"+++ b/{path}",
    ]
    body = list(difflib.unified_diff(before, after, n=3, lineterm=""))[2:]
    out.extend(body)
    return out


def main():
    expected = []
    seen = set()
    for case in CASES:
        name = case["file"]
        if name in seen:
            raise SystemExit(f"duplicate case {name}")
        seen.add(name)
        lines = []
        for path, marked in case["files"]:
            lines.extend(file_diff(path, marked))
        with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="\n") as handle:
            handle.write("\n".join(lines) + "\n")
        entry = {"file": name, "description": case["description"], "patterns": case["patterns"], "flags": case["flags"]}
        expected.append(entry)
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8", newline="\n") as handle:
        json.dump(expected, handle, indent=2)
        handle.write("\n")
    print(f"wrote {len(expected)} diffs and expected.json")


if __name__ == "__main__":
    main()
