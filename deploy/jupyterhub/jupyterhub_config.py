# JupyterHub configuration for the crmlab course (JupyterHub 5; see README, "A class on JupyterHub").
#
# The same file serves the demo (`make hub`) and a production hub; environment variables choose:
#
#   CRMLAB_HUB_STATE        folder for the hub's database, cookie secret, release and submission
#                           store (default: /srv/crmlab)
#   CRMLAB_HUB_RELEASE      the student copy of the course (`crmlab release OUT`); made at start-up
#                           into STATE/release when unset and absent
#   CRMLAB_HUB_STUDENTS     comma-separated hub user names allowed in (production: or configure
#                           your authenticator's own allow rules)
#   CRMLAB_HUB_INSTRUCTORS  comma-separated user names of the hub group `instructors`
#   CRMLAB_HUB_SPAWNER      `local` (default: LocalProcessSpawner, one system user per student,
#                           the hub runs as root) or `simple` (SimpleLocalProcessSpawner: every
#                           server runs as the hub's user, in STATE/homes/<name>; demo only)
#   CRMLAB_HUB_DEMO         `1`: DummyAuthenticator with the shared password
#                           CRMLAB_HUB_DEMO_PASSWORD. Never set it on a hub students can reach.
#   CRMLAB_HUB_PORT, CRMLAB_HUB_IP   where the proxy listens (default 127.0.0.1:8000)
#   CRMLAB_HUB_LANGUAGE     the edition a student's JupyterLab opens on (`en`, default, or `az`)
#                           until the student saves a language (`crmlab student language az`)
#   CRMLAB_HUB_PROXY        the configurable-http-proxy executable (default: the one `npm ci`
#                           installed beside this file)
#
# Without CRMLAB_HUB_DEMO the authenticator is JupyterHub's default (PAM: the system users'
# own passwords) unless you set another below (OAuthenticator, LTI, LDAP...).
import os
import shutil
import subprocess
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub defines it when it loads this file)

HERE = Path(__file__).resolve().parent
STATE = Path(os.environ.get("CRMLAB_HUB_STATE", "/srv/crmlab")).resolve()
STATE.mkdir(parents=True, exist_ok=True)
os.chmod(STATE, 0o755)
BIN = Path(sys.executable).parent  # the course environment: the hub's own
SERVICE = "crmlab-collect"
SERVICE_PORT = int(os.environ.get("CRMLAB_HUB_SERVICE_PORT", "10101"))
SERVICE_URL = f"http://127.0.0.1:{SERVICE_PORT}"
STORE = STATE / "submissions"
# Where the instructor runs `crmlab exercises assign --out`: `crmlab fetch` hands out from it.
ASSIGNED = STATE / "assigned"
# Where the instructor publishes `crmlab feedback --out`: each student reads their own page.
FEEDBACK = STATE / "feedback"
# Where the instructor publishes `crmlab quiz tokens --out` (read again when it changes): each
# student gets their own data variant token with `crmlab student token`.
TOKENS = STATE / "tokens.csv"
INSTRUCTOR_SCOPE = "custom:crmlab:collect"


def _names(variable):
    return [n.strip() for n in os.environ.get(variable, "").split(",") if n.strip()]


# --- where the hub listens and keeps its state --------------------------------------------------
c.JupyterHub.ip = os.environ.get("CRMLAB_HUB_IP", "127.0.0.1")
c.JupyterHub.port = int(os.environ.get("CRMLAB_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("CRMLAB_HUB_API_PORT", "8081"))
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.ConfigurableHTTPProxy.command = [os.environ.get(
    "CRMLAB_HUB_PROXY", str(HERE / "node_modules" / ".bin" / "configurable-http-proxy"))]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
c.ConfigurableHTTPProxy.api_url = (
    f"http://127.0.0.1:{int(os.environ.get('CRMLAB_HUB_PROXY_API_PORT', '8001'))}")

# --- who gets in -------------------------------------------------------------------------------
STUDENTS, INSTRUCTORS = _names("CRMLAB_HUB_STUDENTS"), _names("CRMLAB_HUB_INSTRUCTORS")
if STUDENTS or INSTRUCTORS:
    c.Authenticator.allowed_users = set(STUDENTS) | set(INSTRUCTORS)
# A hub user name is the student id in the gradebook: crmlab's one rule (crmlab.core.ids).
from crmlab.core.ids import ANCHORED  # noqa: E402  (the course environment is the hub's)

c.Authenticator.username_pattern = ANCHORED
c.JupyterHub.load_groups = {"instructors": {"users": INSTRUCTORS}}

if os.environ.get("CRMLAB_HUB_DEMO") == "1":
    password = os.environ.get("CRMLAB_HUB_DEMO_PASSWORD", "")
    if not password:
        sys.exit("CRMLAB_HUB_DEMO=1 needs CRMLAB_HUB_DEMO_PASSWORD (the shared demo password)")
    c.JupyterHub.authenticator_class = "dummy"
    c.DummyAuthenticator.password = password
    banner = "#" * 78
    print(f"{banner}\n# DEMO HUB: DummyAuthenticator, ONE SHARED PASSWORD FOR EVERY USER.\n"
          f"# Anyone who can reach http://{c.JupyterHub.ip}:{c.JupyterHub.port}/ and knows it "
          f"can sign in as anyone.\n# Never run this configuration for a real class.\n{banner}",
          file=sys.stderr, flush=True)

# --- the student's server ----------------------------------------------------------------------
RELEASE = Path(os.environ.get("CRMLAB_HUB_RELEASE") or STATE / "release").resolve()
if not (RELEASE / "quizzes").is_dir():
    subprocess.run([str(BIN / "crmlab"), "release", "--out", str(RELEASE)], check=True)
os.chmod(RELEASE, 0o755)

if os.environ.get("CRMLAB_HUB_SPAWNER", "local") == "simple":
    c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
    c.SimpleLocalProcessSpawner.home_dir_template = str(STATE / "homes" / "{username}")
else:
    c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"


def _home(spawner):
    template = getattr(spawner, "home_dir_template", None)
    if template:
        return Path(template.format(username=spawner.user.name))
    import pwd

    return Path(pwd.getpwnam(spawner.user.name).pw_dir)


def _port_below_the_ephemeral_range() -> int:
    """A free port below the kernel's ephemeral range (usually 32768-60999).

    JupyterHub's own choice binds port 0, i.e. takes an ephemeral port and lets it go; a kernel
    starting at the same moment (another student's, or a grading job) picks ports the same way
    and can take it first, and the student's server then dies with "port already in use". Ports
    below the range are never handed out by bind(0), so only another server could hold one."""
    import random
    import socket

    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    ports = list(range(max(1024, low - 8000), low))
    random.shuffle(ports)
    for port in ports[:200]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    return 0  # JupyterHub's own choice


def _start_page(home: Path) -> str:
    """The start page of the student's edition: the language the student saved in their
    CRMLAB_HOME, else CRMLAB_HUB_LANGUAGE, else English."""
    import json

    lang = os.environ.get("CRMLAB_HUB_LANGUAGE", "en")
    try:
        with open(home / ".crmlab" / "config.json", "rb") as settings:
            saved = json.loads(settings.read(65536)).get("language")
    except (OSError, ValueError, AttributeError):
        saved = None
    lang = saved if saved in ("en", "az") else lang
    return "/lab/tree/notebooks/az/00_start_here.ipynb" if lang == "az" else \
        "/lab/tree/notebooks/00_start_here.ipynb"


def _give_the_course(spawner):
    """Copy the student release into the user's home once (their edits are theirs to keep)."""
    home = _home(spawner)
    course = home / "crmlab-course"
    if not course.exists():
        home.mkdir(parents=True, exist_ok=True)
        shutil.copytree(RELEASE, course)
        if os.getuid() == 0 and spawner.__class__.__name__ == "LocalProcessSpawner":
            import pwd

            entry = pwd.getpwnam(spawner.user.name)
            for folder, dirs, files in os.walk(course):
                for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
                    os.chown(name, entry.pw_uid, entry.pw_gid)
    spawner.notebook_dir = str(course)
    spawner.port = _port_below_the_ephemeral_range()
    spawner.default_url = _start_page(home)
    spawner.environment.update({
        "CRMLAB_HOME": str(home / ".crmlab"),
        "CRMLAB_COURSE_DIR": str(course),
        "CRMLAB_COLLECT_URL": f"{SERVICE_URL}/services/{SERVICE}/",
        "PATH": f"{BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
    })


c.Spawner.pre_spawn_hook = _give_the_course
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab/tree/notebooks/00_start_here.ipynb"
c.Spawner.args = ["--LabApp.news_url=", "--ContentsManager.allow_hidden=False"]
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 120
# The server's own token may reach the collection service; the hub gives each token only the
# scopes its owner holds, so the instructor scope reaches instructors' servers alone.
c.Spawner.server_token_scopes = ["users:activity!user", "access:servers!server",
                                 f"access:services!service={SERVICE}", INSTRUCTOR_SCOPE]

# --- the collection service and who may use it -------------------------------------------------
c.JupyterHub.custom_scopes = {
    INSTRUCTOR_SCOPE: {"description": "List and download every crmlab submission."},
}
c.JupyterHub.load_roles = [
    {"name": "user", "scopes": ["self", f"access:services!service={SERVICE}"]},
    {"name": "crmlab-instructor", "description": "Collects the class's submissions",
     "scopes": [INSTRUCTOR_SCOPE], "groups": ["instructors"]},
]
c.JupyterHub.services = [{
    "name": SERVICE,
    "url": SERVICE_URL,
    "command": [sys.executable, "-m", "crmlab", "hub-service", "--store", str(STORE),
                "--assigned", str(ASSIGNED), "--feedback", str(FEEDBACK),
                "--tokens", str(TOKENS)],
    "oauth_no_confirm": True,
    "display": False,
}]

if os.getuid() == 0 and os.environ.get("CRMLAB_HUB_SPAWNER") == "simple":
    c.Spawner.args.append("--allow-root")  # the demo's servers run as the hub's own user
