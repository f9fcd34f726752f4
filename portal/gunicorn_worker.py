"""gunicorn's threaded worker, taking a new connection only while one of its threads is free.

All the processes of gunicorn wait on one listening socket, and the one that wakes first takes
the connection. gthread's processes keep taking connections while their threads are all busy,
so connections arriving together (a proxy's kept-alive connections, a load test's) often all
land on one process: measured on two cores, one process served every request on one core while
the other idled, and cached pages ran at half their speed. This worker stops taking
connections while every thread of the process is busy with one, so that another process
takes them, as gunicorn's one-request-at-a-time sync workers do; connections waiting for
their next request (kept alive) do not count. ``portal/gunicorn.conf.py`` uses it.
"""

from gunicorn.workers.gthread import ThreadWorker


class BalancedThreadWorker(ThreadWorker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.busy = 0  # connections handed to a thread and not finished

    def enqueue_req(self, conn):
        self.busy += 1
        if self.busy >= self.cfg.threads:
            super().set_accept_enabled(False)
        super().enqueue_req(conn)

    def finish_request(self, conn, fs):
        self.busy -= 1
        super().finish_request(conn, fs)

    def set_accept_enabled(self, enabled):
        super().set_accept_enabled(enabled and self.busy < self.cfg.threads)
