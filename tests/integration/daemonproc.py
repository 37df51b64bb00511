"""
The real binary running as a daemon for a test: started on a Work's config,
its stderr kept in a file the test can wait on, stopped by a signal.
"""

import os
import signal
import subprocess
import time


class Daemon:
    def __init__(self, work, args=("-v",), env=None, wrap=()):
        """wrap: a command that execs the rest of its arguments (the
        daemon keeps its pid), e.g. to run it in a mount namespace."""
        self.work = work
        self.log_path = work.path / ("daemon-%d.log" % time.monotonic_ns())
        self.log_file = open(self.log_path, "wb")
        full_env = dict(os.environ)
        full_env.pop("NOTIFY_SOCKET", None)
        full_env.pop("JOURNAL_STREAM", None)
        full_env.update(env or {})
        self.proc = subprocess.Popen(
            list(wrap) + [work.binary, "-c", str(work.config)] + list(args),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=self.log_file, cwd=str(work.path), env=full_env)
        self.pid = self.proc.pid

    def log(self):
        return self.log_path.read_text(errors="replace")

    def wait_for(self, predicate, timeout=10.0, step=0.05):
        """Polls predicate() until it is true; returns its last value."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value or time.monotonic() > deadline:
                return value
            if self.proc.poll() is not None:
                return predicate()
            time.sleep(step)

    def wait_log(self, text, timeout=10.0, count=1):
        return self.wait_for(lambda: self.log().count(text) >= count, timeout)

    def send(self, signum):
        self.proc.send_signal(signum)

    def stop(self, signum=signal.SIGTERM, timeout=20.0):
        """Sends signum and returns the exit status (None if it hung)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signum)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None
        finally:
            self.log_file.close()

    def cpu_seconds(self):
        """User plus system CPU time the process has used so far."""
        with open("/proc/%d/stat" % self.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if not self.log_file.closed:
            self.log_file.close()
