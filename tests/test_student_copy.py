"""The student copy carries only what a student needs, and says how to start (issue 30).

A release is checked against the declared manifest (``crmlab/publish/release_files/
manifest.yaml``): every file declared, no instructor file, no key, no solution, no hidden
check. Its README (both languages, the default edition's first) and Makefile are the student's;
its exercises are marked practice copies. The slow test installs the release the way its
README says, in a plain virtual environment, and runs L00 there.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crmlab.cli import build_parser, main
from crmlab.core.exceptions import CrmlabError
from crmlab.publish.release import (
    PRACTICE_CELL,
    glob_pattern,
    manifest,
    manifest_problems,
    release,
    student_readme,
)

ROOT = Path(__file__).resolve().parent.parent
#: What a student environment must not hold: the test, cluster and hub extras.
INSTRUCTOR_PACKAGES = {"pytest", "pytest-xdist", "nbval", "ruff", "playwright", "dask",
                       "distributed", "jupyterhub"}
LESSON_STACK = {"jupyterlab", "ipywidgets", "ipykernel", "papermill", "pandas", "matplotlib"}


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """A release whose default edition is Azerbaijani (English is the default's default)."""
    out = tmp_path_factory.mktemp("student-copy") / "course"
    assert main(["release", "--out", str(out), "--lang", "az"]) == 0
    return out


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _text(path: Path) -> str:
    """What a reader finds in a file: a notebook's cell sources, else its text."""
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return "\n".join("".join(c["source"]) for c in cells)
    return path.read_text(encoding="utf-8", errors="ignore")


# ------------------------------------------------------------------------------ the manifest
@pytest.mark.parametrize("glob, path, matches", [
    ("crmlab/**/*.py", "crmlab/cli.py", True),
    ("crmlab/**/*.py", "crmlab/core/paths.py", True),
    ("crmlab/**/*.py", "crmlab/data/glossary.yaml", False),
    ("notebooks/*.ipynb", "notebooks/az/00_start_here.ipynb", False),
    ("notebooks/instructor/**", "notebooks/instructor/course_loop.ipynb", True),
    ("**/.*", "notebooks/.DS_Store", True),
    ("**/.*", ".gitignore", True),
    ("**/.*/**", "notebooks/.ipynb_checkpoints/x.ipynb", True),
    ("**/roster*.csv", "crmlab/core/roster.py", False),
    ("**/roster*.csv", "roster.csv", True),
    ("README.md", "notebooks/exercises/README.md", False),
])
def test_manifest_globs(glob, path, matches):
    assert bool(glob_pattern(glob).match(path)) is matches


def test_every_released_file_is_declared(released):
    files = _files(released)
    ships = [glob_pattern(entry["glob"]) for entry in manifest()["ships"]]
    assert [name for name in files if not any(p.match(name) for p in ships)] == []


def test_every_entry_of_the_manifest_says_why():
    for entry in manifest()["ships"] + manifest()["never"]:
        assert set(entry) <= {"glob", "why", "pending"}, entry
        assert entry["why"].strip(), entry["glob"]


def test_every_declared_glob_ships_something(released):
    files = _files(released)
    for entry in manifest()["ships"]:
        pattern = glob_pattern(entry["glob"])
        assert any(pattern.match(name) for name in files), entry["glob"]


def test_the_package_ships_whole(released):
    """Every data file pyproject packages ships (the instructor's templates too, with no key in
    them): the release installs the same crmlab a wheel would, and no command of it fails on a
    missing file. Hidden files (a folder's ``.keep``) are nobody's course material."""
    tomllib = pytest.importorskip("tomllib" if sys.version_info >= (3, 11) else "tomli")
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package = ROOT / "crmlab"
    data = sorted(path.relative_to(ROOT).as_posix()
                  for pattern in pyproject["tool"]["setuptools"]["package-data"]["crmlab"]
                  for path in package.glob(pattern)
                  if path.is_file() and not path.name.startswith("."))
    assert data and [name for name in data if not (released / name).is_file()] == []


def test_what_never_ships_is_there_to_leave_behind():
    """The instructor files the manifest names are in the checkout: the check is not empty."""
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.splitlines()
    for entry in manifest()["never"]:
        if not entry["glob"].startswith("**"):  # those guard against files nobody commits
            pattern = glob_pattern(entry["glob"])
            assert any(pattern.match(name) for name in tracked), entry["glob"]


def _never(entry):
    marks = [pytest.mark.xfail(strict=True, reason=entry["pending"])] if entry.get("pending") \
        else []
    return pytest.param(entry, marks=marks, id=entry["glob"])


@pytest.mark.parametrize("entry", [_never(entry) for entry in manifest()["never"]])
def test_no_forbidden_file_ships(entry, released):
    pattern = glob_pattern(entry["glob"])
    assert [name for name in _files(released) if pattern.match(name)] == []


def test_a_pending_file_is_the_only_problem_the_release_let_through(released):
    pending = [entry["glob"] for entry in manifest()["never"] if entry.get("pending")]
    assert manifest_problems(released) == []
    assert [line.split(":")[0] for line in manifest_problems(released, pending=True)] == [
        glob for glob in pending if (released / glob).exists()]


@pytest.fixture
def course_copy(tmp_path):
    """The course's sources in a folder of their own, to plant files in."""
    source = tmp_path / "source"
    for name in ("crmlab", "datasets", "notebooks", "quizzes"):
        shutil.copytree(ROOT / name, source / name,
                        ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    for name in ("pyproject.toml", "constraints.txt", "course.yaml"):
        shutil.copy2(ROOT / name, source / name)
    return source


@pytest.mark.parametrize("planted, reason", [
    ("crmlab/data/roster.csv", "never released (**/roster*.csv"),
    ("datasets/notes.txt", "not declared in"),
])
def test_a_release_with_a_stray_file_writes_nothing(course_copy, tmp_path, planted, reason):
    (course_copy / planted).write_text("student_id\ns01\n")
    out = tmp_path / "out"
    with pytest.raises(CrmlabError) as error:
        release(out, source=course_copy)
    assert str(error.value).startswith(f"{planted}: {reason}")
    assert str(error.value).endswith("nothing released")
    assert not out.exists()


def test_the_release_reads_its_source_not_the_running_checkout(course_copy, tmp_path):
    practice = course_copy / "notebooks" / "exercises" / "rfm_pyramid.ipynb"
    practice.unlink()
    out = release(tmp_path / "out", source=course_copy)
    assert not (out / "notebooks" / "exercises" / "rfm_pyramid.ipynb").exists()
    assert (out / "notebooks" / "az" / "exercises" / "rfm_pyramid.ipynb").exists()


# ------------------------------------------------------------------------------ no key, no solution
def _solutions():
    """Every solution (a cell tagged solution, or a region) and hidden check cell of every
    exercise source, as its code lines."""
    from crmlab.exercises.tags import HIDDEN_CHECKS, SOLUTION

    found = []
    for path in sorted(ROOT.glob("notebooks/**/exercises/*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            tags = cell["metadata"].get("tags", [])
            parts = ([source] if SOLUTION in tags or HIDDEN_CHECKS in tags
                     else re.split(r"### (?:BEGIN|END) SOLUTION[^\n]*\n?", source)[1::2])
            for part in parts:
                lines = [line.strip() for line in part.splitlines()
                         if line.strip() and not line.strip().startswith("#")]
                if len("".join(lines)) >= 30:
                    found.append((path.relative_to(ROOT).as_posix(), lines))
    return found


def test_no_solution_and_no_hidden_check_in_the_release(released):
    solutions = _solutions()
    assert len(solutions) > 20
    pending = [glob_pattern(e["glob"]) for e in manifest()["never"] if e.get("pending")]
    for path in released.rglob("*"):
        name = path.relative_to(released).as_posix()
        if not path.is_file() or path.suffix not in (".py", ".ipynb", ".md", ".yaml") \
                or any(p.match(name) for p in pending):  # test_no_forbidden_file_ships
            continue
        lines = [line.strip() for line in _text(path).splitlines()]
        text = "\n".join(line for line in lines if line and not line.startswith("#"))
        for source, solution in solutions:
            assert "\n".join(solution) not in text, f"{name} holds a solution of {source}"
        if path.suffix == ".ipynb":
            assert "BEGIN SOLUTION" not in text and "hidden_check(" not in text, name


# ------------------------------------------------------------------------------ the student's view
KEYS = ROOT / "notebooks" / "instructor" / "exercise_keys.py"
#: What a student runs in their copy: the released package, no instructor file, no secret.
STUDENT_VIEW = """
import json, sys
import crmlab, crmlab.exercises
from crmlab.exercises import check, checks, keys
from crmlab.core.exceptions import ExerciseError
from crmlab.core.paths import exercise_keys_file

names, right, practice = json.loads(sys.argv[1])
found = {"package": crmlab.__file__, "keys_file": exercise_keys_file().is_file()}
try:
    keys.load_keys()
except ExerciseError as error:
    found["load_keys"] = str(error)
try:
    import exercise_keys  # noqa: F401
except ImportError as error:
    found["import"] = type(error).__name__
for name in names:
    check(name, 0, seed=12345)  # no digest in this namespace, no keys: judged nowhere
    try:
        checks._verdict(name, 0, 12345)
    except KeyError:
        found.setdefault("no_verdict", []).append(name)
namespace = {"check": check}
exec(practice, namespace)  # the practice copy's parameters cell: its digests for its seed
for name, value in right.items():
    exec(f"check({name!r}, {value!r}, seed=seed)", namespace)
    exec(f"check({name!r}, 'wrong', seed=seed)", namespace)
found["expected"] = sorted(checks.EXPECTED)
print(json.dumps(found))
"""


def _keyed_checks() -> dict:
    """``{check name: function name}`` of every check the instructor's keys register, read
    from their source."""
    import ast

    found = {}
    for node in ast.parse(KEYS.read_text(encoding="utf-8")).body:
        for decorator in getattr(node, "decorator_list", []):
            if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") == "register":
                found[decorator.args[0].value] = node.name
    return found


def test_the_students_view_cannot_compute_a_hidden_checks_value(released, tmp_path):
    """Issue 26: the release plus its package, without the instructor's folder or secret,
    holds no function computing an expected value, loads no keys, and judges a visible check
    only by the digests of its practice copy (the practice seed's, not a student's)."""
    from crmlab.exercises.keys import DIGESTS, load_keys
    from crmlab.exercises.notebook import practice_seed, read_exercise
    from crmlab.exercises.tags import PARAMETERS, tags_of

    keyed = _keyed_checks()
    points = {name for path in ROOT.glob("notebooks/exercises/*.ipynb")
              for name in read_exercise(path).metadata["crmlab"]["points"]}
    assert points and points <= set(keyed)  # every graded (hidden) check has its key there
    # no module of the release (its package is the student's) defines or registers one
    for path in [*released.rglob("*.py"), *(ROOT / "crmlab").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        for name, function in keyed.items():
            assert f"def {function}(" not in text, (path, function)
            assert f'register("{name}")' not in text, (path, name)
    assert not list(released.rglob("exercise_keys*")) and not (released / "notebooks"
                                                                / "instructor").exists()
    # the practice copy of abc_profit_share, and the right values of its demo variant
    copy = json.loads((released / "notebooks/exercises/abc_profit_share.ipynb").read_text())
    parameters = next("".join(c["source"]) for c in copy["cells"] if PARAMETERS in tags_of(c))
    load_keys()
    from crmlab.exercises.checks import EXPECTED

    seed = practice_seed(read_exercise(ROOT / "notebooks/exercises/abc_profit_share.ipynb"))
    right = {"abc-misranked": EXPECTED["abc-misranked"](seed),
             "abc-share-a": EXPECTED["abc-share-a"](seed)}
    assert f"{DIGESTS} = " in parameters and f'"seed": {seed}' in parameters
    env = {**_student_env(tmp_path), "PYTHONPATH": str(released),
           "CRMLAB_COURSE_DIR": str(released), "CRMLAB_HOME": str(tmp_path / "home")}
    env.pop("CRMLAB_INSTRUCTOR_SECRET", None)
    done = subprocess.run([sys.executable, "-c", STUDENT_VIEW,
                           json.dumps([sorted(keyed), right, parameters])],
                          cwd=released, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    *printed, last = done.stdout.splitlines()
    found = json.loads(last)
    assert found["package"] == str(released / "crmlab" / "__init__.py")
    assert found["keys_file"] is False and found["import"] == "ModuleNotFoundError"
    assert found["load_keys"].startswith(f"{released}/notebooks/instructor/exercise_keys.py: "
                                         "the instructor's exercise keys are not here")
    assert found["expected"] == [] and found["no_verdict"] == sorted(keyed)
    assert printed == [
        *(f"{name}: not checked here: this notebook cannot check it (your own copy from "
          "the instructor can)" for name in sorted(keyed)),
        "abc-misranked: correct",
        "abc-misranked: not yet: look again at the method, not the number",
        "abc-share-a: correct",
        "abc-share-a: not yet: look again at the method, not the number"]


def test_released_exercises_are_marked_practice_copies_in_both_languages(released):
    from crmlab.exercises.notebook import PLACEHOLDER
    from crmlab.exercises.tags import HIDDEN_CHECKS, tags_of

    copies = sorted(released.glob("notebooks/**/exercises/*.ipynb"))
    assert len(copies) == 12
    for path in copies:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        first = cells[0]
        assert first["id"] == PRACTICE_CELL and first["cell_type"] == "markdown"
        english = first["source"].index("**Practice copy.**")
        azerbaijani = first["source"].index("**Məşq nüsxəsi.**")
        assert (azerbaijani < english) is (path.parent.parent.name == "az"), path
        assert first["source"].count(f"`{path.stem}__") == 2
        code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
        assert any('student_id = "demo"' in source for source in code)
        assert any(PLACEHOLDER in source for source in code)
        assert not [c for c in cells if HIDDEN_CHECKS in tags_of(c)]
    for readme in released.glob("notebooks/**/exercises/README.md"):
        first = readme.read_text(encoding="utf-8").splitlines()[0]
        assert first == ("# Məşq nüsxələri" if readme.parent.parent.name == "az"
                         else "# Practice copies")


# ------------------------------------------------------------------------------ README, Makefile
def _commands():
    parser = build_parser()
    return set(next(a for a in parser._actions if a.dest == "command").choices)


def test_the_readme_is_the_students_in_both_languages_default_first(released):
    text = (released / "README.md").read_text(encoding="utf-8")
    assert text.index('<a id="az"></a>') < text.index('<a id="en"></a>')
    for heading in ("## Kursun açılması", "## Open the course", "## Testlər", "## Quizzes",
                    "## Tapşırıqlar", "## Exercises", "## Rəy", "## Feedback",
                    "## Kursun JupyterHub serverində", "## On the course's JupyterHub"):
        assert text.count(heading) == 1, heading
    for needed in ("make lab", "make check", "crmlab submit --out my-answers.zip",
                   "crmlab student set SİZİN-ID", "crmlab student set YOUR-ID",
                   "notebooks/az/00_start_here.ipynb"):
        assert needed in text, needed
    for instructor in ("crmlab grade", "crmlab exercises", "crmlab gradebook", "crmlab feedback",
                       "crmlab release", "make test", "CRMLAB_INSTRUCTOR_SECRET", "pytest",
                       "{", "}"):
        assert instructor not in text, instructor


def test_the_readme_promises_only_commands_targets_and_files_that_exist(released):
    text = (released / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"(?:^|`)crmlab ([a-z-]+)", text, re.M)  # in code, not in prose
    assert {"submit", "student", "selfcheck", "lessons"} <= set(commands)
    for command in commands:
        assert command in _commands(), command
    makefile = (released / "Makefile").read_text(encoding="utf-8")
    for target in re.findall(r"(?:^|`)make ([a-z]+)", text, re.M):
        assert re.search(rf"^{target}:", makefile, re.M), target
    paths = re.findall(r"`((?:notebooks|datasets|quizzes|crmlab)/[^`]*)`", text)
    assert "notebooks/az/00_start_here.ipynb" in paths
    for path in paths:
        assert (released / path).exists(), path


@pytest.mark.parametrize("template, error", [
    ("{{ start }}", r"^T: Got field 'start' instead, expected one of lang, other\.$"),
    ("line\n{% if other %}", r"^T:2: Unexpected end of template\. .*'endif'"),
    ("{{ other }", r"^T:1: unexpected '}'$"),
])
def test_a_template_mistake_is_a_one_line_error(template, error):
    from crmlab.publish.release import render

    with pytest.raises(ValueError, match=error) as raised:
        render(template, lang="en", name="T", other="az")
    assert "\n" not in str(raised.value)


def test_a_template_reads_the_catalog_in_its_language_with_its_fields():
    from crmlab.core.i18n import message
    from crmlab.publish.release import render

    text = render('{{ _("release.readme.open.first") }}', lang="az", start="S.ipynb",
                  other="en")
    assert text == message("release.readme.open.first", lang="az", start="S.ipynb", other="en")
    assert "S.ipynb" in text and "EDITION=en" in text


def test_the_default_edition_is_english_unless_told():
    text = student_readme()
    assert text.splitlines()[0] == "[English](#en) · [Azərbaycanca](#az)"
    assert "`notebooks/00_start_here.ipynb`" in text and "EDITION=az" in text


def test_release_refuses_an_unknown_default_edition(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["release", "--out", str(tmp_path / "out"), "--lang", "xx"])
    assert "invalid choice: 'xx'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def _dry_run(released, *args):
    return subprocess.run(["make", "-n", "-C", str(released), *args], capture_output=True,
                          text=True, check=True).stdout


def test_the_makefile_installs_the_base_dependencies_and_opens_the_default_edition(released):
    makefile = (released / "Makefile").read_text(encoding="utf-8")
    assert not re.search(r"^test:", makefile, re.M)
    for target in ("help", "install", "lab", "check", "clean"):
        assert re.search(rf"^{target}:", makefile, re.M), target
    lab = _dry_run(released, "lab")
    assert "-m pip install --quiet --disable-pip-version-check -c constraints.txt -e .\n" in lab
    assert "[" not in lab.split("pip install", 1)[1].split("\n", 1)[0]  # no extra
    assert "-m crmlab labsettings" in lab
    assert re.search(r"jupyter lab .*notebooks/az/00_start_here\.ipynb$", lab, re.M)
    english = _dry_run(released, "lab", "EDITION=en")
    assert re.search(r"jupyter lab .*notebooks/00_start_here\.ipynb$", english, re.M)
    assert "-m crmlab selfcheck" in _dry_run(released, "check")


def test_the_base_dependencies_are_what_a_student_needs():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0].lower() for d in project["dependencies"]}
    assert LESSON_STACK <= names
    assert names & INSTRUCTOR_PACKAGES == set()


# ------------------------------------------------------------------------------ installed
def _student_env(tmp_path: Path) -> dict:
    """This process's environment without crmlab's, Python's or Jupyter's settings: what a
    student's shell has (pip's own settings stay, so its cache and indexes are used)."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("CRMLAB_", "JUPYTER", "PYTHON", "VIRTUAL_ENV", "IPYTHON"))
           and name not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}  # under `make test`: a shell
    env.update(CRMLAB_HOME=str(tmp_path / "home"), JUPYTER_DATA_DIR=str(tmp_path / "jupyter"),
               JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter-config"),
               IPYTHONDIR=str(tmp_path / "ipython"), MPLBACKEND="Agg")
    return env


@pytest.mark.kernel
@pytest.mark.slow
def test_make_install_gives_a_student_environment_where_l00_runs(released, tmp_path):
    env = _student_env(tmp_path)
    released = Path(shutil.copytree(released, tmp_path / "course"))  # .venv goes in here

    def run(*command, **kw):
        done = subprocess.run(command, cwd=released, env=env, capture_output=True, text=True,
                              **kw)
        assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    # a plain virtual environment (no system site-packages), as `make lab` makes it
    run("make", "install", f"PYTHON={sys.executable}", timeout=1200)
    python = released / ".venv" / "bin" / "python"
    installed = {p["name"].lower() for p in json.loads(run(
        str(python), "-m", "pip", "list", "--format=json", "--disable-pip-version-check"))}
    assert installed & INSTRUCTOR_PACKAGES == set()
    assert LESSON_STACK | {"crmlab"} <= installed

    check = run("make", "check", timeout=300)
    assert check.rstrip().endswith("notebooks/00_start_here.ipynb"), check
    assert f"{released}/.venv/bin/python" in check  # the kernel is the release's own

    executed = tmp_path / "L00.ipynb"
    run(str(python), "-m", "papermill", "notebooks/00_start_here.ipynb", str(executed),
        "--kernel", "python3", "--cwd", "notebooks", "--no-progress-bar", timeout=600)
    cells = [c for c in json.loads(executed.read_text())["cells"] if c["cell_type"] == "code"]
    assert not [o for c in cells for o in c["outputs"] if o["output_type"] == "error"]
    widget = cells[-1]["outputs"][0]["data"]
    assert "application/vnd.jupyter.widget-view+json" in widget  # the quiz, as a widget
    assert "".join(widget["text/plain"]).startswith("Quiz L00")
