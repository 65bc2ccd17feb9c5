"""Damage a report's lines at random, as the robustness tests of the audit do."""

from __future__ import annotations

import random


def damage(lines: list[str], rng: random.Random, junk: list[str], edits: int,
           cuts: tuple[float, float, float]) -> list[str]:
    """``edits`` random edits: below ``cuts[0]`` delete a line, below ``cuts[1]`` insert junk,
    below ``cuts[2]`` replace one cell with junk, else swap two lines."""
    lines = list(lines)
    for _ in range(edits):
        i = rng.randrange(len(lines))
        op = rng.random()
        if op < cuts[0]:
            del lines[i]
        elif op < cuts[1]:
            lines.insert(i, rng.choice(junk))
        elif op < cuts[2]:
            cells = lines[i].split(" | ")
            cells[rng.randrange(len(cells))] = rng.choice(junk)
            lines[i] = " | ".join(cells)
        else:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
    return lines
