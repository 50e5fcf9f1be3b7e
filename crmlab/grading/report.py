"""The grading report: a Markdown page (report.md) and, optionally, three PNG figures beside
the CSVs.

The plotting functions draw on a given matplotlib axes (or a new pyplot figure in a notebook);
the report draws on bare :class:`matplotlib.figure.Figure` objects, without pyplot's global
state.
"""

from __future__ import annotations

import io
from pathlib import Path

from crmlab.core.atomic import write_bytes, write_text

__all__ = ["write_report", "draw_figures", "plot_scores", "plot_items", "plot_distractors"]


def _axes(ax, figsize):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize)[1]


def plot_scores(gradebook, ax=None):
    """Histogram of the students' totals (a total still pending hand grading is left out)."""
    ax = _axes(ax, (6, 3.5))
    ax.hist(gradebook["total"].dropna(), bins=min(20, max(5, len(gradebook) // 5 or 5)), color="#2b6cb0")
    ax.set(xlabel="total points", ylabel="students", title="Score distribution")
    return ax


def plot_items(items, ax=None):
    """Difficulty against discrimination, flagged items in red."""
    ax = _axes(ax, (6, 4))
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


def _distractor_rows(items, max_items: int = 25):
    return items[items["option_counts"].astype(str) != ""].head(max_items)


def plot_distractors(items, ax=None, *, max_items: int = 25):
    """Stacked bars of option choice counts per question (questions with options); an option
    is named on its bar when it holds at least 3% of the row's choices."""
    rows = _distractor_rows(items, max_items)
    ax = _axes(ax, (8, max(2.5, 0.35 * len(rows) + 1)))
    for y, row in enumerate(rows.itertuples()):
        parts = [part.rsplit(":", 1) for part in str(row.option_counts).split("; ")]
        counts = [int(count) for _, count in parts]
        lefts = [sum(counts[:i]) for i in range(len(counts))]
        ax.broken_barh(list(zip(lefts, counts)), (y - 0.4, 0.8), facecolors="#cbd5e0",
                       edgecolors="white")
        total = sum(counts) or 1
        for (option, _), left, count in zip(parts, lefts, counts):
            if count / total >= 0.03:
                ax.text(left + count / 2, y, option, ha="center", va="center", fontsize=6)
    ax.set_yticks(range(len(rows)), [f"{r.quiz_id}:{r.question_id}" for r in rows.itertuples()],
                  fontsize=7)
    ax.invert_yaxis()
    ax.set(xlabel="choices", title="Option choices per question (distractors included)")
    return ax


def _png(draw, data, figsize, *, left: float = 0.12) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=figsize)
    FigureCanvasAgg(figure)
    # Fixed margins: tight_layout would draw every figure twice.
    figure.subplots_adjust(left=left, right=0.97, top=1 - 0.4 / figsize[1],
                           bottom=0.55 / figsize[1])
    draw(data, ax=figure.subplots())
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def _strategy_lines(strategies) -> list[str]:
    lines = ["## Constant-answer strategies", "",
             "The score of answering every question the same way without reading it "
             "(strategies.csv has every strategy of every quiz). A strategy that beats 40% "
             "rewards guessing: reweight (`--weights`) or revise the keys."]
    if strategies is None or not len(strategies):
        return lines + ["", "No quiz offers a constant-answer strategy."]
    best = strategies.sort_values(["quiz_id", "share"], ascending=[True, False],
                                  kind="mergesort").groupby("quiz_id", sort=True).head(1)
    lines += ["", "| quiz | best strategy | share of points | flag |", "|---|---|---|---|"]
    lines += [f"| {row.quiz_id} | {row.strategy} | {row.share:.0%} | {row.flag} |"
              for row in best.itertuples()]
    return lines


def _similarity_lines(pairs) -> list[str]:
    if pairs is None:
        return []
    lines = ["## Answers alike", "",
             f"{len(pairs)} pair(s) of free-text answers to the same question in similarity.csv: "
             "a reason to read both, never a grade (crmlab.grading.similarity)."]
    if len(pairs):
        lines += ["", "| quiz | question | students | measure | score | containment |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {row.assessment} | {row.item} | {row.student_a}, {row.student_b} | "
                  f"{row.measure} | {row.score:.2f} | {row.containment:.2f} |"
                  for row in pairs.head(20).itertuples()]
    return lines + [""]


#: The report's figures in its order; :func:`draw_figures` can draw a part of them.
FIGURES = ("score_distribution.png", "difficulty_vs_discrimination.png", "distractors.png")


def draw_figures(result, names=FIGURES) -> list[tuple[str, bytes]]:
    """The report's PNG figures of a grading ``result`` (those of ``names``), ``(file name,
    PNG bytes)`` in the report's order (none for an empty cohort)."""
    drawn = []
    if len(result.gradebook) and FIGURES[0] in names:
        drawn.append((FIGURES[0], _png(plot_scores, result.gradebook, (6, 3.5))))
    if len(result.item_analysis):
        if FIGURES[1] in names:
            drawn.append((FIGURES[1], _png(plot_items, result.item_analysis, (6, 4))))
        if FIGURES[2] in names:
            rows = len(_distractor_rows(result.item_analysis))
            drawn.append((FIGURES[2], _png(plot_distractors, result.item_analysis,
                                           (8, max(2.5, 0.35 * rows + 1)), left=0.16)))
    return drawn


def write_report(result, out: Path, *, figures: bool = True, drawn=None) -> list[Path]:
    """Write report.md (and, with ``figures``, its PNG figures) into ``out``; return the paths.

    ``drawn``: the figures as :func:`draw_figures` returns them, when they were drawn already
    (by another process, while the tables were written).
    """
    if figures and drawn is None:
        drawn = draw_figures(result)
    files = [write_bytes(out / name, data) for name, data in drawn] if figures else []

    def figure(caption, name):
        return [f"![{caption}]({name})", ""] if figures else []

    flagged = result.item_analysis[result.item_analysis["flag"].astype(str) != ""]
    lines = ["# Grading report", "", result.summary(), "",
             *figure("Score distribution", "score_distribution.png"),
             "## Items", "",
             "Difficulty p is the share of the points earned; discrimination is the point-biserial "
             "correlation with the rest score and the upper-lower 27% index. Revise flagged items "
             "first: a negative discrimination usually means a wrong key or a misleading option.",
             "", *figure("Difficulty vs discrimination", "difficulty_vs_discrimination.png"),
             "| quiz | question | p | point-biserial | upper-lower | flag |", "|---|---|---|---|---|---|"]
    for row in flagged.itertuples():
        lines.append(f"| {row.quiz_id} | {row.question_id} | {row.difficulty:.2f} | "
                     f"{row.point_biserial:.2f} | {row.upper_lower:.2f} | {row.flag} |")
    lines += ["", *figure("Distractors", "distractors.png"),
              *_strategy_lines(getattr(result, "strategies", None)), "",
              *_similarity_lines(getattr(result, "similarity", None)),
              "## Problems", "", f"{len(result.problems)} row(s) in problems.csv."]
    files.append(write_text(out / "report.md", "\n".join(lines) + "\n"))
    return files
