"""The kernel of a graded notebook, built on jupyter_client's and nbclient's public APIs.

- :class:`SandboxProvisioner`, a kernel provisioner (jupyter_client's extension point for how a
  kernel is launched; registered in ``pyproject.toml`` as the entry point
  ``crmlab-sandbox`` of ``jupyter_client.kernel_provisioners``): before the launch it gives the
  job's :class:`~crmlab.grading.sandbox.Sandbox` the connection file and wraps the kernel's
  command in the sandbox's launcher, with the kernel's own ports. The sandbox comes with the
  start: ``start_kernel(sandbox=box, ...)``.
- :class:`SandboxKernelSpecs`, a kernel spec manager whose specs name that provisioner.
- :class:`GradingKernelManager`, an ``AsyncKernelManager`` whose clients drop a message above
  ``max_message`` instead of filling the grader's memory (each client on a zmq context of its
  own, closed by :meth:`~GradingKernelManager.close_contexts`).
- :class:`GradingClient`, nbclient's ``NotebookClient`` that counts what the kernel sends back
  and stops the notebook past ``output_limit``, with the reason why.

Only declared traits are set and only public methods are called or overridden; the kernel's
life is nbclient's ``async_setup_kernel`` context (start, client, shut down, clean up).
"""

from __future__ import annotations

import zmq
import zmq.asyncio
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from nbclient import NotebookClient
from traitlets import Any, Callable, Integer, List

__all__ = ["PROVISIONER", "SandboxProvisioner", "SandboxKernelSpecs", "GradingKernelManager",
           "GradingClient"]

#: The name the provisioner is registered under (pyproject.toml, entry points).
PROVISIONER = "crmlab-sandbox"
_PORTS = ("shell_port", "iopub_port", "stdin_port", "hb_port", "control_port")


class SandboxProvisioner(LocalProvisioner):
    """A local kernel started through its job's sandbox (``start_kernel(sandbox=...)``)."""

    async def pre_launch(self, **kwargs):
        """LocalProvisioner's preparation, then the command wrapped in the sandbox's launcher
        (the sandbox owns the connection file; the kernel may bind only its own ports)."""
        sandbox = kwargs.pop("sandbox")
        kwargs = await super().pre_launch(**kwargs)  # writes the connection file, builds cmd
        sandbox.own(self.parent.connection_file)
        ports = [self.connection_info[name] for name in _PORTS]
        kwargs["cmd"] = sandbox.command(kwargs["cmd"], ports=ports)
        return kwargs

    @property
    def process_group(self) -> int | None:
        """The kernel's process group (its pid when it has none of its own)."""
        return self.pgid or self.pid


class SandboxKernelSpecs(KernelSpecManager):
    """Kernel specs that name :class:`SandboxProvisioner` as their provisioner."""

    def get_kernel_spec(self, kernel_name):
        """The kernel spec of ``kernel_name``, naming :class:`SandboxProvisioner`."""
        spec = super().get_kernel_spec(kernel_name)
        spec.metadata = {**spec.metadata,
                         "kernel_provisioner": {"provisioner_name": PROVISIONER}}
        return spec


class GradingKernelManager(AsyncKernelManager):
    """A kernel manager whose clients refuse messages above ``max_message`` bytes."""

    max_message = Integer(0, help="Bytes of the largest message a client accepts (0: any).")
    contexts = List(help="The zmq contexts of this manager's clients (closed by "
                         "close_contexts).")

    def client(self, **kwargs):
        """A client on a zmq context of its own, capped at ``max_message`` bytes."""
        context = zmq.asyncio.Context()
        if self.max_message:
            # A message above the limit drops the connection instead of filling our memory.
            context.setsockopt(zmq.MAXMSGSIZE, self.max_message)
        self.contexts.append(context)
        return super().client(context=context, **kwargs)

    @property
    def process_group(self) -> int | None:
        """The kernel's process group, once its provisioner launched it (else None)."""
        return getattr(self.provisioner, "process_group", None)

    async def returncode(self) -> int | None:
        """The kernel process's exit status (None while it runs or before it started)."""
        return await self.provisioner.poll() if self.provisioner is not None else None

    def close_contexts(self) -> None:
        """Close every client's zmq context (after the clients stopped their channels)."""
        for context in self.contexts:
            context.destroy(linger=0)
        self.contexts = []


class GradingClient(NotebookClient):
    """nbclient with a cap on what the kernel may send back, and a reason when it stops.

    :meth:`stop` records why the notebook stops (the first reason wins) and calls
    ``on_stop`` (the runner kills the kernel's processes there).
    """

    output_limit = Integer(0, help="Bytes of output the notebook may send back (0: any).")
    over_limit = Callable(None, allow_none=True,
                          help="The reason to stop with when output passes output_limit.")
    on_stop = Callable(None, allow_none=True, help="Called when the notebook is stopped.")
    received = Integer(0, help="Bytes of output received so far (approximately).")
    stopped = Any(None, allow_none=True, help="Why the notebook was stopped (None: it was not).")

    def stop(self, reason) -> None:
        """Stop the notebook for ``reason``."""
        if self.stopped is None:
            self.stopped = reason
        if self.on_stop is not None:
            self.on_stop()

    def process_message(self, msg, cell, cell_index):
        """nbclient's handling of a kernel message, once the output stays within the limit."""
        if self.stopped is not None:
            return None
        if self.output_limit:
            self.received += _size(msg.get("content"), self.output_limit)
            if self.received > self.output_limit:
                self.stop(self.over_limit())
                return None
        return super().process_message(msg, cell, cell_index)


def _size(value, budget: int) -> int:
    """Approximate bytes of a message's content (strings counted, stops past ``budget``).

    Examples
    --------
    >>> _size({"text": "abc", "n": [1, 2]}, 1000)
    35
    """
    total, stack = 0, [value]
    while stack and total <= budget:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
            total += 8 * len(item)
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        else:
            total += 8
    return total
