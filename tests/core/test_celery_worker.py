"""A task runs in a real Celery worker process through RabbitMQ."""

import os
import subprocess
import sys
import time

import pytest
from celery.app.backends import by_url
from celery.result import AsyncResult
from support.live import worker_env

from cap.modules.core.tasks import check_services


@pytest.fixture(scope="module")
def celery_config_ext(celery_config_ext):
    """Send tasks to the broker instead of running them in-process."""
    celery_config_ext.update(
        CELERY_TASK_ALWAYS_EAGER=False,
        CELERY_RESULT_BACKEND=os.environ.get(
            "CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/2"
        ),
        CELERY_TASK_DEFAULT_QUEUE=f"cap-test-{os.getpid()}",
    )
    return celery_config_ext


@pytest.fixture(scope="module")
def worker(app, instance_path):
    """A worker process of the same instance, consuming a queue of its own."""
    env = worker_env(app, instance_path)
    queue = app.config["CELERY_TASK_DEFAULT_QUEUE"]
    process = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "invenio_app.celery", "worker",
            "--pool", "solo", "--queues", queue, "--loglevel", "WARNING",
            "--without-heartbeat", "--without-mingle", "--without-gossip",
        ],
        env=env,
    )
    yield process
    process.terminate()
    process.wait(timeout=30)


def configured_result(app, task_id):
    """The task's result read from this module's result backend.

    The Celery app is one per process and keeps the result backend of the
    first test module that used it (``app.backend`` is cached), so the
    backend configured here is built afresh.
    """
    celery = app.extensions["invenio-celery"].celery
    backend_class, url = by_url(app.config["CELERY_RESULT_BACKEND"], celery.loader)
    return AsyncResult(task_id, backend=backend_class(app=celery, url=url))


def test_task_runs_in_a_worker_process(app, worker):
    started = time.monotonic()
    sent = check_services.apply_async(queue=app.config["CELERY_TASK_DEFAULT_QUEUE"])
    # The worker reports the services as its own process sees them.
    assert configured_result(app, sent.id).get(timeout=120) == {
        "db": "up", "search": "up", "cache": "up", "broker": "up",
    }
    assert worker.poll() is None, "the worker died"
    assert time.monotonic() - started < 120
