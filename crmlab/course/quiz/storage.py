"""Saved answers: one JSON file per quiz, written atomically the moment an answer is given.

Format (``CRMLAB_HOME/answers/<student_id>/<quiz_id>.json``)::

    {"format_version": 1, "student_id": "s-1042", "quiz_id": "L02",
     "answers": {"q1": {"answer": "b", "answered_at": "2026-11-23T10:00:00+00:00",
                        "attempts": 2, "history": [{"answer": "a", "answered_at": "..."}, ...]}}}
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from crmlab.atomic import write_json
from crmlab.exceptions import QuizError
from crmlab.paths import home_dir

FORMAT_VERSION = 1


def answers_dir(student_id: str) -> Path:
    return home_dir() / "answers" / student_id


def answers_path(student_id: str, quiz_id: str) -> Path:
    return answers_dir(student_id) / f"{quiz_id}.json"


def read_answers(student_id: str, quiz_id: str) -> dict:
    """Return the saved answers of one quiz (an empty record when none was given yet)."""
    path = answers_path(student_id, quiz_id)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"format_version": FORMAT_VERSION, "student_id": student_id, "quiz_id": quiz_id,
                "answers": {}}
    except (OSError, ValueError):
        raise QuizError(f"{path}: saved answers are not valid JSON; nothing was overwritten") \
            from None
    return data


def save_answer(student_id: str, quiz_id: str, question_id: str, answer) -> dict:
    """Append ``answer`` to the saved record of the quiz and write it atomically."""
    data = read_answers(student_id, quiz_id)
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    entry = data["answers"].get(question_id, {"history": []})
    history = entry.get("history", []) + [{"answer": answer, "answered_at": now}]
    data["answers"][question_id] = {"answer": answer, "answered_at": now,
                                    "attempts": len(history), "history": history}
    write_json(answers_path(student_id, quiz_id), data)
    return data["answers"][question_id]
