"""A Celery worker killed with SIGKILL mid-task: the task runs again, its effect happens once.

Tasks are acknowledged late (``CELERY_TASK_ACKS_LATE``) and given back to
the queue when their pool process dies (``TASK_REJECT_ON_WORKER_LOST``),
so RabbitMQ delivers them again: to a new worker when the whole worker was
killed, to a fresh pool process when only that one was.
"""

import os
import signal
import subprocess
import sys
import time

import pytest
from support.live import worker_env

FAULTS = os.path.dirname(__file__)


@pytest.fixture(scope="module")
def celery_config_ext(celery_config_ext):
    """Tasks go through RabbitMQ to a worker process, on a queue of this module."""
    celery_config_ext.update(CELERY_TASK_ALWAYS_EAGER=False,
                             CELERY_TASK_DEFAULT_QUEUE=f"cap-faults-{os.getpid()}")
    return celery_config_ext


def test_late_acknowledgement_and_requeue_on_a_lost_worker_reach_celery(app):
    celery = app.extensions["invenio-celery"].celery
    assert celery.conf.task_acks_late is True
    assert celery.conf.task_reject_on_worker_lost is True


def start_worker(app, instance_path, pool):
    env = worker_env(
        app, instance_path,
        PYTHONPATH=os.pathsep.join([FAULTS, os.environ.get("PYTHONPATH", "")]),
    )
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "invenio_app.celery", "worker",
         "--pool", pool, "--concurrency", "1", "--include", "interruptible_tasks",
         "--queues", app.config["CELERY_TASK_DEFAULT_QUEUE"], "--loglevel", "WARNING",
         "--without-heartbeat", "--without-mingle", "--without-gossip",
         "--prefetch-multiplier", "1"],
        env=env,
    )


def wait_for(path, seconds=40):
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.1)


@pytest.mark.parametrize("pool", ["solo", "prefork"])
def test_a_task_killed_mid_run_runs_again_with_one_effect(app, instance_path, tmp_path, pool):
    sys.path.insert(0, FAULTS)
    from interruptible_tasks import interruptible

    worker = start_worker(app, instance_path, pool)
    replacement = None
    try:
        interruptible.apply_async(args=[str(tmp_path)],
                                  queue=app.config["CELERY_TASK_DEFAULT_QUEUE"])
        wait_for(tmp_path / "started-1")
        running_in = int((tmp_path / "started-1").read_text())
        if pool == "solo":
            assert running_in == worker.pid  # the task runs in the worker itself
            worker.send_signal(signal.SIGKILL)
            worker.wait(30)
            replacement = start_worker(app, instance_path, pool)
        else:
            assert running_in != worker.pid  # in its pool process: only that one dies
            os.kill(running_in, signal.SIGKILL)
        wait_for(tmp_path / "started-2")
        (tmp_path / "release").touch()
        wait_for(tmp_path / "effects")
        time.sleep(1)  # a third run, if any, would show by now
        assert (tmp_path / "effect").read_text() == "2"
        assert (tmp_path / "effects").read_text() == "2\n"
        assert sorted(p.name for p in tmp_path.glob("started-*")) == ["started-1", "started-2"]
    finally:
        sys.path.remove(FAULTS)
        for process in (worker, replacement):
            if process and process.poll() is None:
                process.terminate()
                process.wait(30)
