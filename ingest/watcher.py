"""The transform's per-model tasks, run in the triggerer instead of on a worker.

Each of cosmos's watcher tasks (one per dbt model, one per model's tests) only reads
the result the producer's `dbt build` reported for its node. On a worker that costs
an Airflow task start per node, a process, a parse of the DAG file and a handful of
API calls, for a few milliseconds of work: about 2.5 s per task, over 100 s for the
~160 tasks on 2 cores, longer than the build itself. Started in the triggerer
(Airflow's `start_from_trigger`), a node's task is one coroutine polling the
producer's XComs, and ends there when its node succeeded or was skipped.

Only what needs a worker goes to one, through cosmos's own `execute_complete`: a
failed node (the task fails with cosmos's message) and a retried or cleared task
(`try_number` > 1), which runs dbt for its own node alone, as cosmos documents.
`airflow dags test` ignores `start_from_trigger`: there the tasks run as plain cosmos
sensors.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from typing import Any

from cosmos.listeners.dag_run_listener import EventStatus
from cosmos.operators._watcher.aggregation import get_tests_status_xcom_key
from cosmos.operators._watcher.state import (
    ProducerTaskState,
    is_dbt_node_status_failed,
    is_dbt_node_status_skipped,
    is_dbt_node_status_success,
)
from cosmos.operators._watcher.triggerer import WatcherEventReason, WatcherTrigger

# How often a node's task looks for its result while the build runs, and every how
# many looks it asks whether the producer failed.
POLL_SECONDS = 2.0
PRODUCER_EVERY = 5


class NodeResultTrigger(WatcherTrigger):
    """cosmos's WatcherTrigger for a task started in the triggerer: the run comes from
    the task instance, and success or a skip ends the task here."""

    def __init__(self, model_unique_id: str, producer_task_id: str, dag_id: str,
                 is_test_sensor: bool = False, poke_interval: float = POLL_SECONDS,
                 run_id: str | None = None, map_index: int | None = -1) -> None:  # fmt: skip
        super().__init__(model_unique_id=model_unique_id, producer_task_id=producer_task_id,
                         dag_id=dag_id, run_id=run_id or "", map_index=map_index,
                         poke_interval=poke_interval, is_test_sensor=is_test_sensor)  # fmt: skip

    def serialize(self) -> tuple[str, dict[str, Any]]:
        classpath, kwargs = super().serialize()
        return f"{__name__}.{type(self).__name__}", kwargs

    async def get_xcom_val(self, key: str) -> Any | None:
        # cosmos logs every look at INFO: thousands of lines per run.
        return await self.get_xcom_val_af3(key)

    async def _status(self) -> str | None:
        """The node's result as the producer reported it (its tests' for a test task)."""
        if self.is_test_sensor:
            return await self.get_xcom_val(get_tests_status_xcom_key(self.model_unique_id))
        return await self._get_node_status()

    async def run(self) -> AsyncIterator[Any]:
        from airflow.triggers.base import TaskSkippedEvent, TaskSuccessEvent, TriggerEvent

        ti = getattr(self, "task_instance", None)
        if ti is not None:
            self.run_id, self.map_index = ti.run_id, ti.map_index
        if ti is not None and ti.try_number > 1:
            # A retry or a clear: cosmos's execute_complete runs dbt for this node.
            yield TriggerEvent({"status": EventStatus.FAILED,
                                "reason": WatcherEventReason.PRODUCER_SKIPPED})  # fmt: skip
            return
        for poll in itertools.count():
            status = await self._status()
            # The producer's state matters only while the node has no result: asked
            # every PRODUCER_EVERY polls, it halves the API calls while the build runs.
            producer = (await self._get_producer_task_status()
                        if status is None and poll % PRODUCER_EVERY == 0 else None)  # fmt: skip
            if is_dbt_node_status_success(status):
                yield TaskSuccessEvent()
                return
            if is_dbt_node_status_skipped(status):
                yield TaskSkippedEvent()
                return
            if is_dbt_node_status_failed(status):
                yield TriggerEvent({"status": EventStatus.FAILED,
                                    "reason": WatcherEventReason.NODE_FAILED})  # fmt: skip
                return
            if producer == ProducerTaskState.SUCCESS and status is None:
                # Not in the build (an ephemeral model, say): nothing to report.
                yield TaskSuccessEvent()
                return
            if producer in (ProducerTaskState.FAILED, ProducerTaskState.UPSTREAM_FAILED,
                            ProducerTaskState.SKIPPED):  # fmt: skip
                reason = (WatcherEventReason.PRODUCER_SKIPPED
                          if producer == ProducerTaskState.SKIPPED
                          else WatcherEventReason.PRODUCER_FAILED)  # fmt: skip
                yield TriggerEvent({"status": EventStatus.FAILED, "reason": reason})
                return
            await asyncio.sleep(self.poke_interval)


def start_in_triggerer(task, dag_id: str) -> None:
    """Start cosmos watcher task `task` in the triggerer with NodeResultTrigger."""
    from airflow.triggers.base import StartTriggerArgs

    task.start_from_trigger = True
    task.start_trigger_args = StartTriggerArgs(
        trigger_cls=f"{__name__}.{NodeResultTrigger.__name__}",
        trigger_kwargs={
            "model_unique_id": task.model_unique_id,
            "producer_task_id": task.producer_task_id,
            "dag_id": dag_id,
            "is_test_sensor": task.is_test_sensor,
        },
        next_method="execute_complete",
        next_kwargs=None,
        timeout=None,
    )
