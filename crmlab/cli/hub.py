"""``crmlab hub-service --store DIR [--assigned DIR] [--feedback DIR] [--tokens FILE]``: the
hub's collection service (``crmlab-collect``), run by JupyterHub as a managed service
(``deploy/jupyterhub/jupyterhub_config.py``)."""

from __future__ import annotations

from pathlib import Path

from crmlab.cli.env import reads


def register(subparsers) -> None:
    """Add ``crmlab hub-service`` to the parser."""
    from crmlab.quiz.submission import MAX_BYTES

    parser = subparsers.add_parser(
        "hub-service", help="run the hub's collection service (JupyterHub starts it)",
        description="Receive the students' submission bundles where the hub says "
                    "(JUPYTERHUB_SERVICE_URL, JUPYTERHUB_SERVICE_PREFIX) and keep them in STORE.",
        **reads("JUPYTERHUB_SERVICE_URL", "JUPYTERHUB_SERVICE_PREFIX"))
    parser.add_argument("--store", required=True, type=Path, metavar="STORE",
                        help="folder that keeps the submissions")
    parser.add_argument("--assigned", type=Path, metavar="DIR",
                        help="folder of the notebooks `crmlab exercises assign` wrote (or one "
                             "folder per exercise in it): `crmlab fetch` hands each student "
                             "their own")
    parser.add_argument("--feedback", type=Path, metavar="DIR",
                        help="folder of the pages `crmlab feedback --out DIR` wrote: each "
                             "student reads their own (`crmlab fetch --feedback`)")
    parser.add_argument("--tokens", type=Path, metavar="FILE",
                        help="the CSV of data variant tokens `crmlab quiz tokens --out FILE` "
                             "wrote (columns student_id, token): each student gets their own "
                             "(`crmlab student token`); read again when it changes, so it can "
                             "be published while the service runs")
    parser.add_argument("--max-bytes", type=int, default=MAX_BYTES, metavar="N",
                        help=f"the largest bundle accepted (default {MAX_BYTES})")
    parser.set_defaults(func=_serve)


def _serve(args) -> int:
    from crmlab.publish.hub_service import serve

    serve(args.store, max_bytes=args.max_bytes, assigned=args.assigned, feedback=args.feedback,
          tokens=args.tokens)
    return 0
