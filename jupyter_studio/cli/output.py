"""Plain-text output shared by the command groups."""

from __future__ import annotations


def table(rows: list[list[str]], headers: list[str]) -> str:
    """Rows as aligned columns under their headers."""
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)
