#!/usr/bin/env python3
"""Assigns "split": "train" | "holdout" to the lines of tests/data/corpus/*.jsonl.

The split is made by group (docs/labelling.md): every line of a group lands on
the same side, so a thread, a page or a writer's batch never has lines on both
sides. Within each file, groups are taken in the order of a hash of their name
and go to the held-out side until it holds HOLDOUT_SHARE of the file's lines.

Lines that already have a split keep it, and so does the rest of their group:
running the script again after adding lines only places the new groups. The
file written_legacy.jsonl is all "train": the cue lexicon was tuned on it.

    tools/split_corpus.py [--check]

--check changes nothing and exits 1 when a line has no split, a group
straddles the boundary, or the held-out share of the lines is under 30 %.
"""
import hashlib
import json
import pathlib
import sys

CORPUS = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "corpus"
HOLDOUT_SHARE = 0.36
ALL_TRAIN = {"written_legacy.jsonl"}


def group_of(line):
    return line.get("group") or line.get("id")


def order(name):
    return hashlib.sha256(name.encode()).hexdigest()


def split_file(path):
    lines = [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
    side = {}
    for l in lines:
        if l.get("split") in ("train", "holdout"):
            side.setdefault(group_of(l), l["split"])
    if path.name in ALL_TRAIN:
        for l in lines:
            side.setdefault(group_of(l), "train")
    sizes = {}
    for l in lines:
        sizes[group_of(l)] = sizes.get(group_of(l), 0) + 1
    held = sum(n for g, n in sizes.items() if side.get(g) == "holdout")
    for g in sorted((g for g in sizes if g not in side), key=order):
        if held < HOLDOUT_SHARE * len(lines):
            side[g] = "holdout"
            held += sizes[g]
        else:
            side[g] = "train"
    for l in lines:
        l["split"] = side[group_of(l)]
    path.write_text("".join(json.dumps(l, ensure_ascii=False) + "\n" for l in lines), encoding="utf-8")


def check():
    problems = []
    total = held = 0
    sides = {}
    for path in sorted(CORPUS.glob("*.jsonl")):
        for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not raw.strip():
                continue
            l = json.loads(raw)
            total += 1
            s = l.get("split")
            if s not in ("train", "holdout"):
                problems.append(f"{path.name}:{n}: no split")
                continue
            held += s == "holdout"
            key = (path.name, group_of(l))
            if sides.setdefault(key, s) != s:
                problems.append(f"{path.name}:{n}: group {key[1]} is on both sides")
    if total and held / total < 0.30:
        problems.append(f"held-out share {held / total:.2f} is under 0.30")
    for p in problems:
        print(p, file=sys.stderr)
    print(f"{total} lines, {held} held out ({held / max(total, 1):.1%})")
    return 1 if problems else 0


if __name__ == "__main__":
    if "--check" in sys.argv[1:]:
        sys.exit(check())
    for p in sorted(CORPUS.glob("*.jsonl")):
        split_file(p)
    sys.exit(check())
