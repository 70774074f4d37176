"""Running an agent's concurrent loops so that one failing stops them all (and the failure is not lost)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any


async def run_until_one_fails(coroutines: list[Coroutine[Any, Any, None]]) -> None:
    """Run the loops together; when one raises, cancel the others and re-raise its error."""
    tasks = [asyncio.create_task(coroutine) for coroutine in coroutines]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            task.result()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
