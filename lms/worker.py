"""The task-queue consumer's entry point: `huey_consumer lms.worker.huey -k thread -w 2`.

It builds the app once (every feature's tasks register with it) and runs tasks inside it.
"""

from lms import create_app
from lms.queue import bind_worker_app, huey

bind_worker_app(create_app())

__all__ = ["huey"]
