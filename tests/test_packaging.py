"""Packaging agrees with itself: pyproject, environment.yml, constraints, Makefile, CI."""

import re
from pathlib import Path

import yaml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the test extra installs tomli, the same parser
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
REQUIRED_STACK = {"jupyterlab", "pandas", "matplotlib", "ipywidgets", "nbval", "papermill"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _pip_dependencies() -> set[str]:
    project = _pyproject()["project"]
    deps = {_name(d) for d in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        deps |= {_name(d) for d in extra}
    return deps


def _conda_dependencies() -> set[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    names = set()
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            names.add(_name(dep))
    return names - {"python", "pip"}


def test_environment_yml_lists_the_same_packages_as_pyproject():
    pip, conda = _pip_dependencies(), _conda_dependencies()
    assert sorted(pip - conda) == [], "in pyproject.toml but not in environment.yml"
    assert sorted(conda - pip) == [], "in environment.yml but not in pyproject.toml"


def test_required_stack_is_declared():
    assert REQUIRED_STACK <= _pip_dependencies()


def test_constraints_pin_every_dependency_exactly():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not an exact pin"
            pins[_name(name)] = version
    missing = sorted(_pip_dependencies() - set(pins))
    assert missing == []


def test_python_floor_and_console_script():
    project = _pyproject()["project"]
    assert project["requires-python"] == ">=3.10"
    assert project["scripts"]["crmlab"] == "crmlab.cli:main"


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make test" in ci and "set -euo pipefail" in ci
    assert "make lab" in readme and "make test" in readme


def test_makefile_targets_exist():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("lab", "test", "bench", "lint", "notebooks", "site"):
        assert re.search(rf"^{target}:", makefile, re.M), target
    assert "00_start_here.ipynb" in makefile


def test_the_packaging_tests_run_on_every_supported_python():
    """3.10 has no tomllib: the test extra brings tomli there instead of skipping these tests."""
    extra = _pyproject()["project"]["optional-dependencies"]["test"]
    assert "tomli; python_version < '3.11'" in extra


def test_every_data_file_of_the_package_is_package_data():
    """A template, catalog or stylesheet left out of package-data works from the checkout and
    is missing from an installed wheel. The patterns are globbed as setuptools globs them: a
    ``*`` stays within a folder (``data/*`` holds no file of ``data/content/az/``)."""
    patterns = _pyproject()["tool"]["setuptools"]["package-data"]["crmlab"]
    package = ROOT / "crmlab"
    data = [path.relative_to(package).as_posix() for path in package.rglob("*")
            if path.is_file() and path.suffix not in (".py", ".pyc")
            and "__pycache__" not in path.parts]
    packaged = {path.relative_to(package).as_posix()
                for pattern in patterns for path in package.glob(pattern) if path.is_file()}
    assert data and [p for p in data if p not in packaged] == []
