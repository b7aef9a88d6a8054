#!/usr/bin/env python3
"""How often a second labeller agrees with the corpus's labels.

    tools/label_agreement.py RELABEL.jsonl

RELABEL.jsonl holds {"id", "role", "intent"} per line, labelled from the text
and docs/labelling.md alone, without seeing the corpus's labels (see
docs/labelling-audit.md for how the shipped one was made). Prints agreement
and Cohen's kappa for role and intent, overall and by kind (real / written),
and the role confusion table. Only the ids named in RELABEL are read, and a
held-out id in it is refused: the audit must not look at the held-out side.
"""
import collections
import json
import pathlib
import sys

CORPUS = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "corpus"
ROLES = ["product_manager", "product_owner", "both", "project_manager", "none"]
SHORT = {"product_manager": "PM", "product_owner": "PO", "both": "both",
         "project_manager": "PjM", "none": "none"}


def kappa(pairs):
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    left = collections.Counter(a for a, _ in pairs)
    right = collections.Counter(b for _, b in pairs)
    chance = sum(left[k] * right[k] for k in set(left) | set(right)) / (n * n)
    return (observed - chance) / (1 - chance) if chance < 1 else 1.0


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    second = {}
    for line in pathlib.Path(sys.argv[1]).read_text(encoding="utf-8").splitlines():
        if line.strip():
            o = json.loads(line)
            second[o["id"]] = o
    first = {}
    for path in sorted(CORPUS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            o = json.loads(line)
            if o["id"] in second:
                if o.get("split") != "train":
                    sys.exit(f"{o['id']} is a held-out line: the audit must use training lines only")
                first[o["id"]] = o
    missing = sorted(set(second) - set(first))
    if missing:
        sys.exit(f"not in the corpus: {', '.join(missing[:5])}")
    pairs = [(first[i], second[i]) for i in second]

    print("| lines | n | role agrees | role kappa | intent agrees | intent kappa |")
    print("|---|---|---|---|---|---|")
    for name in ["all", "real", "written"]:
        rows = [p for p in pairs if name == "all" or p[0]["kind"] == name]
        if not rows:
            continue
        role = [(a["role"], b["role"]) for a, b in rows]
        intent = [(a["intent"], b["intent"]) for a, b in rows]
        agree = lambda ps: sum(x == y for x, y in ps) / len(ps)
        print(f"| {name} | {len(rows)} | {agree(role):.1%} | {kappa(role):.2f} "
              f"| {agree(intent):.1%} | {kappa(intent):.2f} |")

    print("\nrole: corpus (rows) against the second labeller (columns)\n")
    counts = collections.Counter((a["role"], b["role"]) for a, b in pairs)
    print("| | " + " | ".join(SHORT[r] for r in ROLES) + " |")
    print("|---" * (len(ROLES) + 1) + "|")
    for a in ROLES:
        print(f"| {SHORT[a]} | " + " | ".join(str(counts[(a, b)]) for b in ROLES) + " |")


if __name__ == "__main__":
    main()
