#!/usr/bin/python3
"""Clear outputs and execution counts of notebooks, in place.

Usage: /usr/bin/python3 src/scripts/strip_outputs.py notebooks/*.ipynb

Also drops the cell metadata that nbclient records ("execution" timestamps). Files are written in
nbformat 4's own layout (indent=1, sorted keys, trailing newline) and only when something changed.
"""
import sys

import nbformat


def strip(nb):
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    return nb


def main(paths):
    if not paths:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    changed = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            before = f.read()
        nb = strip(nbformat.reads(before, as_version=4))
        after = nbformat.writes(nb)
        if not after.endswith("\n"):
            after += "\n"
        if after != before:
            with open(path, "w", encoding="utf-8") as f:
                f.write(after)
            changed += 1
            print(f"stripped {path}")
    print(f"{changed} of {len(paths)} notebook(s) changed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
