"""The grading report: a Markdown page with three PNG figures, written beside the CSVs."""

from __future__ import annotations

import io
from pathlib import Path

from crmlab.atomic import write_bytes, write_text

__all__ = ["write_report", "plot_scores", "plot_items", "plot_distractors"]


def plot_scores(gradebook, ax=None):
    """Histogram of the students' totals."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(6, 3.5))[1]
    ax.hist(gradebook["total"], bins=min(20, max(5, len(gradebook) // 5 or 5)), color="#2b6cb0")
    ax.set(xlabel="total points", ylabel="students", title="Score distribution")
    return ax


def plot_items(items, ax=None):
    """Difficulty against discrimination, flagged items in red."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(6, 4))[1]
    flagged = items["flag"].astype(str) != ""
    ax.scatter(items.loc[~flagged, "difficulty"], items.loc[~flagged, "point_biserial"],
               color="#2b6cb0", label="fine")
    ax.scatter(items.loc[flagged, "difficulty"], items.loc[flagged, "point_biserial"],
               color="#c53030", label="flagged")
    for _, row in items[flagged].iterrows():
        ax.annotate(row["question_id"], (row["difficulty"], row["point_biserial"]), fontsize=7)
    ax.axhline(0.1, color="grey", lw=0.8, ls="--")
    ax.set(xlabel="difficulty p (share correct)", ylabel="point-biserial (rest score)",
           title="Items: difficulty vs discrimination", xlim=(-0.02, 1.02))
    ax.legend(loc="lower right")
    return ax


def plot_distractors(items, ax=None, *, max_items: int = 25):
    """Stacked bars of option choice counts per question (single and multi questions)."""
    import matplotlib.pyplot as plt

    rows = items[items["option_counts"].astype(str) != ""].head(max_items)
    ax = ax or plt.subplots(figsize=(8, max(2.5, 0.35 * len(rows) + 1)))[1]
    for y, (_, row) in enumerate(rows.iterrows()):
        left = 0
        for part in str(row["option_counts"]).split("; "):
            option, count = part.rsplit(":", 1)
            ax.barh(y, int(count), left=left, color="#cbd5e0", edgecolor="white")
            if int(count):
                ax.text(left + int(count) / 2, y, option, ha="center", va="center", fontsize=6)
            left += int(count)
    ax.set_yticks(range(len(rows)), [f"{r.quiz_id}:{r.question_id}" for r in rows.itertuples()],
                  fontsize=7)
    ax.invert_yaxis()
    ax.set(xlabel="choices", title="Option choices per question (distractors included)")
    return ax


def _png(draw, data) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    ax = draw(data)
    buffer = io.BytesIO()
    ax.figure.tight_layout()
    ax.figure.savefig(buffer, format="png", dpi=100)
    plt.close(ax.figure)
    return buffer.getvalue()


def write_report(result, out: Path) -> list[Path]:
    """Write report.md and its figures into ``out``; return the paths."""
    files = []
    if len(result.gradebook):
        files.append(write_bytes(out / "score_distribution.png", _png(plot_scores,
                                                                      result.gradebook)))
    if len(result.item_analysis):
        files.append(write_bytes(out / "difficulty_vs_discrimination.png",
                                 _png(plot_items, result.item_analysis)))
        files.append(write_bytes(out / "distractors.png",
                                 _png(plot_distractors, result.item_analysis)))
    flagged = result.item_analysis[result.item_analysis["flag"].astype(str) != ""]
    lines = ["# Grading report", "", result.summary(), "",
             "![Score distribution](score_distribution.png)", "",
             "## Items", "",
             "Difficulty p is the share of the points earned; discrimination is the point-biserial "
             "correlation with the rest score and the upper-lower 27% index. Revise flagged items "
             "first: a negative discrimination usually means a wrong key or a misleading option.",
             "", "![Difficulty vs discrimination](difficulty_vs_discrimination.png)", "",
             "| quiz | question | p | point-biserial | upper-lower | flag |", "|---|---|---|---|---|---|"]
    for row in flagged.itertuples():
        lines.append(f"| {row.quiz_id} | {row.question_id} | {row.difficulty:.2f} | "
                     f"{row.point_biserial:.2f} | {row.upper_lower:.2f} | {row.flag} |")
    lines += ["", "![Distractors](distractors.png)", "", "## Problems", "",
              f"{len(result.problems)} row(s) in problems.csv."]
    files.append(write_text(out / "report.md", "\n".join(lines) + "\n"))
    return files
