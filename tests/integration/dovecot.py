"""
A Dovecot IMAP server of the test's own on 127.0.0.1, serving one spool as
its user's mail (Maildir++: folders are ".NAME" inside it).  Dovecot never
serves mail as root, so when the tests run as root the spool is handed to
nobody first.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time

import pytest


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Dovecot:
    def __init__(self, spool):
        if shutil.which("dovecot") is None:
            pytest.fail("dovecot is not installed: make deps-test installs it")
        # Its own folder, open to the mail user: pytest's are private.
        self.dir = tempfile.mkdtemp(prefix="aggregator-dovecot-")
        os.chmod(self.dir, 0o755)
        self.spool = os.path.join(self.dir, "spool")
        shutil.copytree(spool, self.spool, symlinks=True)
        self.port = free_port()
        me = pwd.getpwuid(os.getuid())
        if os.getuid() == 0:
            user = pwd.getpwnam("nobody")
            uid, gid = user.pw_uid, user.pw_gid
            for root, dirs, files in os.walk(self.dir):
                for name in dirs + files:
                    os.lchown(os.path.join(root, name), uid, gid)
            os.chown(self.dir, uid, gid)
            internal = ""
        else:
            uid, gid = os.getuid(), os.getgid()
            internal = ("default_internal_user = %s\ndefault_login_user = %s\n"
                        % (me.pw_name, me.pw_name))
        self.conf = os.path.join(self.dir, "dovecot.conf")
        with open(self.conf, "w") as f:
            f.write("""protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
first_valid_uid = 1
{internal}mail_location = maildir:{spool}
passdb {{
  driver = static
  args = password=secret
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={d}/home
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
}}
service anvil {{
  chroot =
}}
""".format(d=self.dir, spool=self.spool, uid=uid, gid=gid, port=self.port,
           internal=internal))
        # In the foreground: its process is the test's to stop.
        self.proc = subprocess.Popen(["dovecot", "-F", "-c", self.conf],
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                socket.create_connection(("127.0.0.1", self.port), 1).close()
                return
            except OSError:
                time.sleep(0.05)
        log = self.log()
        self.stop()
        pytest.fail("dovecot did not listen on 127.0.0.1:%d: %s" % (self.port, log))

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def log(self):
        try:
            with open(os.path.join(self.dir, "dovecot.log"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""
