"""Run one prepared submission with papermill (called in its own process by the grader).

Prints one line: empty when the notebook ran, else the reason it scores 0. Exit code 0 when
the notebook ran (solution-cell errors allowed), 3 when it must score 0.
"""

from __future__ import annotations

import sys
from pathlib import Path

FATAL = {"SyntaxError": "syntax error", "IndentationError": "syntax error",
         "SystemExit": "sys.exit was called",
         "KeyboardInterrupt": "timed out: the grader interrupted a cell that ran too long"}


def main(prepared: str, feedback: str, timeout: str) -> int:
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
                    reason = reason or FATAL[output["ename"]]
                    if not reason.startswith(FATAL[output["ename"]]):
                        reason = FATAL[output["ename"]]
        # Feedback keeps the hidden checks' outputs (pass/fail) but not their source.
        for cell in nb.cells:
            if "hidden_checks" in cell.get("metadata", {}).get("tags", []):
                cell.source = "# hidden check (source kept by the instructor)"
        Path(feedback).parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, feedback)
    print(reason)
    fatal = reason and not reason.startswith("error in")
    return 3 if fatal else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
