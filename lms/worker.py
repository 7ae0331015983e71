"""The task-queue consumer's entry point:

    huey_consumer lms.worker.huey -k thread -w 2 --graceful-signal TERM --shutdown-timeout 60

It builds the app once (every feature's tasks register with it) and runs tasks inside it, with
no statement or lock time limit (those are for pages). SIGTERM lets the running jobs finish for
up to 60 s; a job still running then goes back in the queue (lms.jobs), and a consumer that
starts takes up what a killed one left running.
"""

from lms import create_app
from lms.cli import no_statement_timeout
from lms.queue import bind_worker_app, huey

_app = create_app()
with _app.app_context():
    no_statement_timeout()
bind_worker_app(_app)

__all__ = ["huey"]
