#!/usr/bin/env python3
"""Validates the HealingGrains fix corpus in this folder.

Checks:
  * expected.json lists every NN-*.diff exactly once and every listed file exists;
  * each diff is well-formed git unified diff: `diff --git`, `---`/`+++` headers, hunk headers whose
    line counts match the bodies, consistent new-side offsets, 3 lines of context where available;
  * pattern kinds / flags come from the allowed lists, `detail` present exactly for the detail kinds;
  * coverage requirements (kinds, flags, multi-pattern, empty, multi-file, config timeouts, catch-all);
  * a keyword-level cross-check: a simple textual detector re-derives the patterns and flags from the
    hunks (added vs before, per hunk) and must agree with expected.json. It is deliberately naive; it
    only guards against typos and accidental extra patterns (a stray `?.`, a forgotten catch ...).
Exit code 0 when everything passes.
"""
import json
import os
import re
import sys
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the corpus folder, one up

KINDS = ["CatchAdded", "Retry", "Backoff", "TimeoutChanged", "NullGuard", "CircuitBreaker", "PoolSize", "Caching"]
DETAIL_KINDS = {"CatchAdded", "TimeoutChanged", "PoolSize"}
FLAGS = ["ProcessStart", "FileDeletion", "DirectoryDeletion", "ReflectionEmit", "AssemblyLoading",
         "PInvoke", "UnsafeCode", "EnvironmentExit", "RawSocket", "Registry"]

MIN_DIFFS = 24

errors = []


def err(where, message):
    errors.append(f"{where}: {message}")


# ----------------------------------------------------------------------------- diff parsing
HUNK_RE = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(?: .*)?$")
EXT_HEADER_RE = re.compile(
    r"^(index [0-9a-f]{7,40}\.\.[0-9a-f]{7,40}( \d{6})?|new file mode \d{6}|deleted file mode \d{6}|"
    r"old mode \d{6}|new mode \d{6}|similarity index \d+%|dissimilarity index \d+%|rename from .+|rename to .+|"
    r"copy from .+|copy to .+)$")


def parse_diff(name, text):
    files = []
    if not text.endswith("\n"):
        err(name, "file does not end with a newline")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    i = 0
    if not lines or not lines[0].startswith("diff --git "):
        err(name, "does not start with 'diff --git'")
        return files
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^diff --git a/(\S+) b/(\S+)$", line)
        if not m:
            err(name, f"line {i + 1}: expected 'diff --git a/... b/...', got {line!r}")
            return files
        a_path, b_path = m.group(1), m.group(2)
        entry = {"a": a_path, "b": b_path, "hunks": []}
        files.append(entry)
        i += 1
        while i < len(lines) and not lines[i].startswith("--- "):
            if not EXT_HEADER_RE.match(lines[i]):
                err(name, f"line {i + 1}: unexpected extended header {lines[i]!r}")
            i += 1
        if i + 1 >= len(lines):
            err(name, f"{b_path}: missing ---/+++ headers")
            return files
        if lines[i] not in (f"--- a/{a_path}", "--- /dev/null"):
            err(name, f"line {i + 1}: '---' header does not match a/{a_path}")
        if lines[i + 1] not in (f"+++ b/{b_path}", "+++ /dev/null"):
            err(name, f"line {i + 2}: '+++' header does not match b/{b_path}")
        i += 2
        if i >= len(lines) or not lines[i].startswith("@@"):
            err(name, f"{b_path}: no hunk")
        while i < len(lines) and lines[i].startswith("@@"):
            hm = HUNK_RE.match(lines[i])
            if not hm:
                err(name, f"line {i + 1}: malformed hunk header {lines[i]!r}")
                return files
            old_start = int(hm.group(1))
            old_count = int(hm.group(2)) if hm.group(2) is not None else 1
            new_start = int(hm.group(3))
            new_count = int(hm.group(4)) if hm.group(4) is not None else 1
            header_line = i + 1
            i += 1
            body = []
            old_seen = new_seen = 0
            while old_seen < old_count or new_seen < new_count:
                if i >= len(lines):
                    err(name, f"hunk at line {header_line}: body truncated (old {old_seen}/{old_count}, new {new_seen}/{new_count})")
                    break
                l = lines[i]
                if l.startswith("\\"):
                    i += 1
                    continue
                tag = l[:1]
                if tag == " ":
                    old_seen += 1
                    new_seen += 1
                elif tag == "-":
                    old_seen += 1
                elif tag == "+":
                    new_seen += 1
                else:
                    err(name, f"line {i + 1}: unexpected line inside hunk {l!r} (header counts too large?)")
                    break
                body.append(l)
                i += 1
            if old_seen != old_count or new_seen != new_count:
                err(name, f"hunk at line {header_line}: header says -{old_count} +{new_count}, body has -{old_seen} +{new_seen}")
            while i < len(lines) and lines[i].startswith("\\"):
                i += 1
            if i < len(lines) and not (lines[i].startswith("@@") or lines[i].startswith("diff --git ")):
                err(name, f"line {i + 1}: extra line after hunk at line {header_line} (header counts too small?): {lines[i]!r}")
                return files
            entry["hunks"].append({
                "header_line": header_line, "old_start": old_start, "old_count": old_count,
                "new_start": new_start, "new_count": new_count, "body": body,
            })
    return files


def check_hunk_layout(name, files):
    for f in files:
        delta = 0
        prev_old_end = 0
        hunks = f["hunks"]
        for index, h in enumerate(hunks):
            where = f"{name} {f['b']} hunk@{h['header_line']}"
            body = h["body"]
            tags = [l[:1] for l in body]
            if not any(t in "+-" for t in tags):
                err(where, "hunk without changes")
                continue
            if h["old_count"] > 0 and h["new_count"] > 0:
                if h["new_start"] != h["old_start"] + delta:
                    err(where, f"new start {h['new_start']} inconsistent with old start {h['old_start']} and earlier delta {delta}")
            if h["old_start"] <= prev_old_end:
                err(where, "hunk overlaps or is out of order with the previous hunk")
            lead = 0
            while lead < len(tags) and tags[lead] == " ":
                lead += 1
            trail = 0
            while trail < len(tags) and tags[-1 - trail] == " ":
                trail += 1
            if lead > 3 or trail > 3:
                err(where, f"more than 3 context lines (leading {lead}, trailing {trail})")
            if lead < 3 and h["old_start"] > 1:
                err(where, f"only {lead} leading context lines although the hunk does not start at line 1")
            if trail < 3 and index != len(hunks) - 1:
                err(where, f"only {trail} trailing context lines but the hunk is not the last one of the file")
            # internal equal runs longer than 2*3 lines should have been split into separate hunks
            run = 0
            for t in tags[lead:len(tags) - trail]:
                run = run + 1 if t == " " else 0
                if run > 6:
                    err(where, "internal context run longer than 6 lines (hunk should be split)")
                    break
            if index > 0:
                prev = hunks[index - 1]
                prev_tags = [l[:1] for l in prev["body"]]
                prev_trail = 0
                while prev_trail < len(prev_tags) and prev_tags[-1 - prev_trail] == " ":
                    prev_trail += 1
                gap = h["old_start"] - prev_old_end - 1
                if gap + prev_trail + lead <= 6:
                    err(where, "separated from the previous hunk by 6 or fewer context lines (should be merged)")
            delta += h["new_count"] - h["old_count"]
            prev_old_end = h["old_start"] + h["old_count"] - 1


def hunk_sides(h):
    before = [l[1:] for l in h["body"] if l[:1] in " -"]
    after = [l[1:] for l in h["body"] if l[:1] in " +"]
    return "\n".join(before), "\n".join(after)


# ----------------------------------------------------------------------------- naive detector
def strip_comments(code):
    code = re.sub(r"/\*.*?\*/", " ", code, flags=re.S)
    return re.sub(r"(?m)(^|[\s;{}])//.*$", r"\1", code)


def strip_strings(code):
    code = re.sub(r'@"(?:[^"]|"")*"', '""', code)
    return re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', code)


def count(pattern, text):
    return len(re.findall(pattern, text))


RETRY_TOKENS = [r"\bWaitAndRetry(Async)?\b", r"\bRetry(Async|Forever|ForeverAsync)?\s*\(", r"\bAddRetry\b",
                r"RetryStrategyOptions\b", r"\bMaxRetryAttempts\b"]
BACKOFF_TOKENS = [r"Math\.Pow\(\s*2", r"\*\s*2\b", r"<<", r"DelayBackoffType\.Exponential", r"RetryMode\.Exponential"]
NULL_TOKENS = [r"\bis\s+null\b", r"\bis\s+not\s+null\b", r"==\s*null\b", r"!=\s*null\b", r"\bnull\s*[!=]=",
               r"\bThrowIfNull\b", r"\?\.", r"\?\?", r"\?\["]
CIRCUIT_TOKENS = [r"\bCircuitBreaker(Async)?\s*\(", r"\bAdvancedCircuitBreaker(Async)?\b", r"\bAddCircuitBreaker\b",
                  r"\bCircuitBreakerStrategyOptions\b", r"\bBreakDuration\b"]
CACHE_TOKENS = [r"\bIMemoryCache\b", r"\bIDistributedCache\b", r"\bGetOrCreate(Async)?\b", r"\bHybridCache\b",
                r"\[\s*OutputCache\b", r"\bAddMemoryCache\b", r"\bAddDistributedMemoryCache\b", r"\bAddHybridCache\b",
                r"\bAddOutputCache\b", r"\bAddStackExchangeRedisCache\b"]
FLAG_PATTERNS = {
    "ProcessStart": r"\bProcess\.Start\s*\(|\bnew\s+ProcessStartInfo\b",
    "FileDeletion": r"\bFile\.Delete\s*\(|\bFileInfo\b[^;]*\.Delete\s*\(",
    "DirectoryDeletion": r"\bDirectory\.Delete\s*\(|\bDirectoryInfo\b[^;]*\.Delete\s*\(",
    "ReflectionEmit": r"\b(AssemblyBuilder|ILGenerator|GetILGenerator|DynamicMethod|TypeBuilder)\b",
    "AssemblyLoading": r"\bAssembly\.(Load|LoadFrom|LoadFile)\s*\(|\bLoadFromAssemblyPath\s*\(|\bLoadFromStream\s*\(",
    "PInvoke": r"\[\s*(DllImport|LibraryImport)\b|\bstatic\s+extern\b|\bextern\s+static\b",
    "UnsafeCode": r"\bunsafe\b|\bfixed\s*\(",
    "EnvironmentExit": r"\bEnvironment\.(Exit|FailFast)\s*\(",
    "RawSocket": r"\bnew\s+Socket\s*\(",
    "Registry": r"\bRegistry\.\w|\bRegistryKey\b",
}
POOL_RE = re.compile(r"\b(MaxPoolSize|MinPoolSize|Maximum Pool Size|Max Pool Size|Minimum Pool Size|Min Pool Size|"
                     r"MaxConnectionsPerServer)\s*=\s*([^;,\n\"]+)|\b(SetMinThreads|SetMaxThreads)\s*\(([^;\n]*)\)")


def timeout_settings(code_with_strings):
    found = Counter()
    for m in re.finditer(r"\b(\w*Timeout\w*)\s*=(?!=)\s*([^;,\n{}\"]+)", code_with_strings):
        name, value = m.group(1), m.group(2).strip()
        if name.endswith("Exception") or value.startswith("new CancellationTokenSource"):
            continue
        found[(name, value)] += 1
    for m in re.finditer(r"\b(\w*Timeout\w*)\s*\{\s*get;\s*(?:set|init);\s*\}\s*=\s*([^;]+);", code_with_strings):
        found[(m.group(1), m.group(2).strip())] += 1
    for m in re.finditer(r"\.(\w*Timeout)\s*\(([^;\n]*)\)", code_with_strings):
        found[(m.group(1), m.group(2).strip())] += 1
    for m in re.finditer(r"\.CancelAfter\s*\(([^;\n]*)\)", code_with_strings):
        found[("CancelAfter", m.group(1).strip())] += 1
    for m in re.finditer(r"\bnew\s+CancellationTokenSource\s*\(([^;\n]+)\)", code_with_strings):
        found[("CancelAfter", m.group(1).strip())] += 1
    return found


def pool_settings(code_with_strings):
    found = Counter()
    for m in POOL_RE.finditer(code_with_strings):
        if m.group(1):
            found[(m.group(1), m.group(2).strip())] += 1
        else:
            found[(m.group(3), m.group(4).strip())] += 1
    return found


def retry_loop(code):
    return bool(re.search(r"\b(for|foreach|while|do)\b", code) and re.search(r"\bcatch\b", code)
                and re.search(r"\b(attempt\w*|retr\w*)\b", code, re.I))


def added_tokens(tokens, before, after):
    return any(count(t, after) > count(t, before) for t in tokens)


def detect(files):
    patterns = []
    flags = set()

    def add(kind, detail=None):
        entry = {"kind": kind} if detail is None else {"kind": kind, "detail": detail}
        if entry not in patterns:
            patterns.append(entry)

    for f in files:
        for h in f["hunks"]:
            raw_before, raw_after = hunk_sides(h)
            nb = strip_comments(raw_before)  # strings kept (connection strings)
            na = strip_comments(raw_after)
            cb = strip_strings(nb)  # code only
            ca = strip_strings(na)
            before_catches = Counter(re.findall(r"\bcatch\s*\(\s*([\w.]+)", cb))
            after_catches = Counter(re.findall(r"\bcatch\s*\(\s*([\w.]+)", ca))
            for t in after_catches:
                if after_catches[t] > before_catches[t]:
                    add("CatchAdded", t)
            if added_tokens(RETRY_TOKENS, cb, ca) or (retry_loop(ca) and not retry_loop(cb)):
                add("Retry")
            if added_tokens(BACKOFF_TOKENS, cb, ca):
                add("Backoff")
            tb, ta = timeout_settings(nb), timeout_settings(na)
            for key in ta:
                if ta[key] > tb[key]:
                    add("TimeoutChanged", key[0])
            if added_tokens(NULL_TOKENS, cb, ca):
                add("NullGuard")
            if added_tokens(CIRCUIT_TOKENS, cb, ca):
                add("CircuitBreaker")
            pb, pa = pool_settings(nb), pool_settings(na)
            for key in pa:
                if pa[key] > pb[key]:
                    add("PoolSize", key[0])
            if added_tokens(CACHE_TOKENS, cb, ca):
                add("Caching")
            for flag, rx in FLAG_PATTERNS.items():
                if re.search(rx, ca):
                    flags.add(flag)
    return patterns, flags


def canon(patterns):
    return sorted((p["kind"], p.get("detail", "")) for p in patterns)


# ----------------------------------------------------------------------------- main
def main():
    expected_path = os.path.join(ROOT, "expected.json")
    try:
        with open(expected_path, encoding="utf-8") as handle:
            expected = json.load(handle)
    except (OSError, ValueError) as exc:
        print(f"FAIL: cannot read expected.json: {exc}")
        return 1
    if not isinstance(expected, list):
        print("FAIL: expected.json must be an array")
        return 1

    diff_files = sorted(n for n in os.listdir(ROOT) if n.endswith(".diff"))
    listed = [e.get("file") for e in expected]
    for name, n in Counter(listed).items():
        if n > 1:
            err("expected.json", f"{name} listed {n} times")
    for name in diff_files:
        if name not in listed:
            err("expected.json", f"{name} is not listed")
        if not re.match(r"^\d{2}-[a-z0-9]+(-[a-z0-9]+)*\.diff$", name):
            err(name, "name should look like NN-descriptive-name.diff")
    numbers = sorted(int(n[:2]) for n in diff_files if n[:2].isdigit())
    if numbers != list(range(1, len(numbers) + 1)):
        err("corpus", f"diff numbering is not contiguous from 01: {numbers}")
    if len(diff_files) < MIN_DIFFS:
        err("corpus", f"only {len(diff_files)} diffs, need at least {MIN_DIFFS}")

    stats = {"kinds": Counter(), "flags": Counter(), "multi_pattern": [], "empty": [], "multi_file": [],
             "config_timeout": [], "catch_all": []}
    table = []

    for e in expected:
        name = e.get("file")
        where = f"expected[{name}]"
        if set(e) - {"file", "description", "patterns", "flags"} or not {"file", "description", "patterns", "flags"} <= set(e):
            err(where, f"keys must be file, description, patterns, flags (got {sorted(e)})")
            continue
        if not isinstance(e["description"], str) or not e["description"].strip() or "\n" in e["description"]:
            err(where, "description must be one non-empty sentence")
        path = os.path.join(ROOT, name)
        if not os.path.isfile(path):
            err(where, "listed file does not exist")
            continue
        for p in e["patterns"]:
            if not isinstance(p, dict) or p.get("kind") not in KINDS:
                err(where, f"unknown pattern {p!r}")
                continue
            if set(p) - {"kind", "detail"}:
                err(where, f"unexpected keys in pattern {p!r}")
            if p["kind"] in DETAIL_KINDS:
                if not isinstance(p.get("detail"), str) or not p["detail"]:
                    err(where, f"{p['kind']} needs a detail")
            elif "detail" in p:
                err(where, f"{p['kind']} must not carry a detail")
        if len(canon(e["patterns"])) != len(set(canon(e["patterns"]))):
            err(where, "duplicate pattern entries")
        for fl in e["flags"]:
            if fl not in FLAGS:
                err(where, f"unknown flag {fl!r}")
        if len(set(e["flags"])) != len(e["flags"]):
            err(where, "duplicate flags")

        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        files = parse_diff(name, text)
        check_hunk_layout(name, files)

        # cross-check with the naive detector
        got_patterns, got_flags = detect(files)
        if canon(got_patterns) != canon(e["patterns"]):
            err(where, f"patterns differ from keyword cross-check: expected {canon(e['patterns'])}, detector {canon(got_patterns)}")
        if set(e["flags"]) != got_flags:
            err(where, f"flags differ from keyword cross-check: expected {sorted(e['flags'])}, detector {sorted(got_flags)}")

        kinds = {p["kind"] for p in e["patterns"] if isinstance(p, dict)}
        for k in kinds:
            stats["kinds"][k] += 1
        for fl in set(e["flags"]):
            stats["flags"][fl] += 1
        if len(kinds) >= 2:
            stats["multi_pattern"].append(name)
        if not e["patterns"]:
            stats["empty"].append(name)
        if len(files) >= 2:
            stats["multi_file"].append(name)
        if "TimeoutChanged" in kinds:
            added = [l[1:] for f in files for h in f["hunks"] for l in h["body"] if l.startswith("+")]
            in_conn_string = any(re.search(r'"[^"]*\bTimeout\s*=\s*\d+', l) for l in added)
            in_options = any(re.search(r"(Options|Settings|appsettings)\w*\.cs$", f["b"]) and
                             any(re.search(r"Timeout", l) for h in f["hunks"] for l in h["body"] if l.startswith("+"))
                             for f in files)
            if in_conn_string or in_options:
                stats["config_timeout"].append(name)
        if {"kind": "CatchAdded", "detail": "Exception"} in e["patterns"]:
            added_lines = [l[1:] for f in files for h in f["hunks"] for l in h["body"] if l.startswith("+")]
            for idx, l in enumerate(added_lines):
                if re.match(r"^\s*catch\s*\(\s*Exception\s*\)\s*$", l):
                    indent = len(l) - len(l.lstrip())
                    block = []
                    for nxt in added_lines[idx + 1:]:
                        block.append(nxt)
                        if nxt.strip() == "}" and len(nxt) - len(nxt.lstrip()) == indent:
                            break
                    if not any(re.search(r"\bthrow\b", b) for b in block):
                        stats["catch_all"].append(name)
                    break
        table.append((name, ", ".join(
            p["kind"] + (f"({p['detail']})" if "detail" in p else "") for p in e["patterns"]) or "-",
            ", ".join(e["flags"]) or "-", len(files)))

    # coverage
    for k in KINDS:
        if stats["kinds"][k] < 2:
            err("coverage", f"pattern kind {k} appears in {stats['kinds'][k]} diffs (need >= 2)")
    for fl in FLAGS:
        if stats["flags"][fl] < 1:
            err("coverage", f"flag {fl} is never expected (need >= 1)")
    if len(stats["multi_pattern"]) < 5:
        err("coverage", f"only {len(stats['multi_pattern'])} diffs with two or more pattern kinds (need >= 5)")
    if len(stats["empty"]) < 3:
        err("coverage", f"only {len(stats['empty'])} diffs without patterns (need >= 3)")
    if len(stats["multi_file"]) < 3:
        err("coverage", f"only {len(stats['multi_file'])} multi-file diffs (need >= 3)")
    if len(stats["config_timeout"]) < 2:
        err("coverage", f"only {len(stats['config_timeout'])} timeout changes in connection strings/options (need >= 2)")
    if len(stats["catch_all"]) < 1:
        err("coverage", "no diff adds a swallowing catch (Exception)")

    width = max(len(r[0]) for r in table) if table else 10
    print(f"{'file':<{width}}  files  patterns | flags")
    for name, pats, fls, nfiles in table:
        print(f"{name:<{width}}  {nfiles:>5}  {pats} | {fls}")
    print()
    print("kind coverage: " + ", ".join(f"{k}={stats['kinds'][k]}" for k in KINDS))
    print("flag coverage: " + ", ".join(f"{f}={stats['flags'][f]}" for f in FLAGS))
    print(f"multi-pattern diffs: {len(stats['multi_pattern'])}; empty-pattern diffs: {len(stats['empty'])}; "
          f"multi-file diffs: {len(stats['multi_file'])}; config/connection-string timeouts: {len(stats['config_timeout'])}; "
          f"swallowing catch-all: {len(stats['catch_all'])}")
    print()
    if errors:
        print(f"FAIL: {len(errors)} problem(s)")
        for e in errors:
            print("  - " + e)
        return 1
    print(f"OK: {len(expected)} diffs validated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
