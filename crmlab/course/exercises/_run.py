"""Run one prepared submission with papermill (called in its own process by the grader).

Prints one line: empty when the notebook ran, else the reason it scores 0. Exit code 0 when
the notebook ran (solution-cell errors allowed), 3 when it must score 0.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

from crmlab.course.exercises.tags import HIDDEN_CHECKS, tags_of

FATAL = {"SyntaxError": "syntax error", "IndentationError": "syntax error",
         "SystemExit": "sys.exit was called",
         "KeyboardInterrupt": "timed out: a cell ran longer than {timeout} s"}


def hidden_verdicts(path: str | None = None) -> dict:
    """The hidden checks' verdicts recorded in ``path`` (the last record of a name wins).

    Hidden checks run last, so a record the student's code wrote earlier never wins.
    """
    verdicts = {}
    path = path or os.environ.get("CRMLAB_EXERCISE_RESULTS")
    if path and Path(path).is_file():
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and record.get("kind") == "hidden":
                verdicts[str(record.get("check"))] = record.get("passed") is True
    return verdicts


def main(prepared: str, feedback: str, timeout: str) -> int:
    """Run ``prepared`` in place, write the feedback copy, print the reason; return the exit code."""
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    reason = ""
    try:
        papermill.execute_notebook(prepared, prepared, progress_bar=False, log_output=False,
                                   execution_timeout=int(timeout), kernel_name="python3")
    except PapermillExecutionError as exc:
        reason = f"error in cell {exc.cell_index}: {exc.ename}: {exc.evalue}"
    except Exception as exc:  # dead kernel, timeout, anything the student's code caused
        name = type(exc).__name__
        if "Timeout" in name:
            reason = f"timed out: a cell ran longer than {timeout} s"
        elif "DeadKernel" in name:
            reason = "the kernel died (crash or os._exit)"
        else:
            reason = f"execution failed: {name}"
    try:
        nb = nbformat.read(prepared, as_version=4)
    except Exception:
        nb = None
    if nb is not None:
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error" and output.get("ename") in FATAL:
                    # The first fatal error in the notebook is the reason it stopped.
                    if not reason or reason.startswith("error in"):
                        reason = FATAL[output["ename"]].format(timeout=timeout)
        # Feedback keeps the hidden checks' verdicts (pass/fail) but not their source.
        verdicts = hidden_verdicts()
        for cell in nb.cells:
            if HIDDEN_CHECKS in tags_of(cell):
                names = re.findall(r"""hidden_check\(\s*["']([^"']+)["']""", cell.source)
                lines = "".join(f"{name}: {'passed' if verdicts.get(name) else 'not passed'}\n"
                                for name in names)
                cell.source = "# hidden check (source kept by the instructor)"
                errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
                cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=lines)]
                cell.outputs += [nbformat.v4.new_output("error", ename=o["ename"],
                                                        evalue=o["evalue"], traceback=[])
                                 for o in errors]
        Path(feedback).parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, feedback)
    print(reason)
    fatal = reason and not reason.startswith("error in")
    return 3 if fatal else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
