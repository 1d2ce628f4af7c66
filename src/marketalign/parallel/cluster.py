"""Running chunks on a Dask distributed cluster (the ``dask`` extra): one task per chunk.

The chunks travel inside the tasks (not scattered), so the scheduler can rerun any of them on another worker:
a lost worker costs only the chunks it was running. Results come back to this process, which writes the
checkpoint; the workers need the same ``marketalign`` version installed and nothing else (no shared disk).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from marketalign.errors import InputError
from marketalign.parallel.checkpoint import function_name, package_version
from marketalign.parallel.pinning import call_pinned

CONNECT_TIMEOUT = "20s"


def run_on_cluster(
    func: Callable[[Any], Any], pending: Sequence[tuple[int, Any]], address: str, threads: int
) -> Iterator[tuple[int, Any]]:
    """Submit every chunk to the scheduler at ``address``; (index, result) pairs in order of completion."""
    distributed = _import_distributed()
    try:
        client = distributed.Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as err:
        raise InputError(
            f"cannot reach the Dask scheduler at {address} ({err}); start one with `dask scheduler`, start "
            "workers with `dask worker ADDRESS`, and pass the address the scheduler prints."
        ) from err
    with client:
        _check_versions(client)
        prefix = f"{function_name(func).rsplit('.', 1)[-1]}-{uuid.uuid4().hex[:8]}"
        futures = [
            client.submit(call_pinned, func, chunk, threads, key=f"{prefix}-{index}", pure=False)
            for index, chunk in pending
        ]
        index_of = {future.key: index for future, (index, _) in zip(futures, pending, strict=True)}
        try:
            for future in distributed.as_completed(futures, loop=client.loop):
                result = future.result()
                yield index_of[future.key], result
                future.release()
        finally:
            client.cancel(futures)


def _check_versions(client) -> None:
    """Every connected worker must run the same ``marketalign`` as this process (tasks refer to its functions)."""
    here = package_version()
    try:
        found = client.run(package_version)
    except Exception as err:  # raised on a worker: typically marketalign is not installed there
        raise InputError(
            f"the Dask workers cannot run marketalign ({type(err).__name__}: {err}); install marketalign=={here} "
            "with its [dask] extra on every worker machine."
        ) from err
    wrong = {worker: version for worker, version in found.items() if version != here}
    if wrong:
        raise InputError(
            f"Dask workers run other marketalign versions than this process ({here}): {wrong}; install "
            f"marketalign=={here} on every worker."
        )


def _import_distributed():
    try:
        import distributed
    except ImportError as err:
        raise InputError(
            "running on a Dask cluster needs dask.distributed; install it with pip install 'marketalign[dask]'."
        ) from err
    return distributed
