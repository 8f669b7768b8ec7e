"""Run one of Polo's Python entry points (a `pex_binary`) in the workspace, as `pants run` does.

Goals stay thin: they turn their options into arguments and hand over to an entry point whose
logic lives under `components/`, where plain pytest reaches it.
"""

from __future__ import annotations

from collections.abc import Sequence

from pants.build_graph.address import Address, AddressInput
from pants.core.goals.run import RunFieldSet, RunRequest
from pants.engine.env_vars import CompleteEnvironmentVars
from pants.engine.process import InteractiveProcess, InteractiveProcessResult
from pants.engine.rules import Effect, Get
from pants.engine.target import (
    FieldSetsPerTarget,
    FieldSetsPerTargetRequest,
    WrappedTarget,
    WrappedTargetRequest,
)


async def run_entry_point(
    binary: str, args: Sequence[str], env: CompleteEnvironmentVars, goal: str
) -> int:
    address = await Get(
        Address,
        AddressInput,
        AddressInput.parse(binary, description_of_origin=f"the `{goal}` goal"),
    )
    wrapped = await Get(
        WrappedTarget,
        WrappedTargetRequest(address, description_of_origin=f"the `{goal}` goal"),
    )
    field_sets = await Get(
        FieldSetsPerTarget, FieldSetsPerTargetRequest(RunFieldSet, [wrapped.target])
    )
    request = await Get(RunRequest, RunFieldSet, field_sets.field_sets[0])
    result = await Effect(
        InteractiveProcessResult,
        InteractiveProcess(
            argv=(*request.args, *args),
            env={**env, **request.extra_env},
            input_digest=request.digest,
            run_in_workspace=True,
            restartable=False,
            immutable_input_digests=request.immutable_input_digests,
            append_only_caches=request.append_only_caches,
        ),
    )
    return result.exit_code
