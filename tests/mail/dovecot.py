"""A real, throwaway Dovecot IMAP server for the tests and the mail benchmark.

Debian's ``dovecot-imapd`` (installed by ``make test``), started in the foreground with a configuration of its
own: localhost only, a free port, plaintext login for one user from a passwd file, and every directory
(config, state, logs, Maildir) inside a temporary directory. Run as an ordinary user it runs as that user. Run
as root (a CI container), Dovecot refuses root for its login and mail processes, so those run as the Debian
package's own ``dovenull`` and ``dovecot`` users, in a directory they may enter.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

DOVECOT = shutil.which("dovecot", path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin") or "/usr/sbin/dovecot"
USER = "tuki"
PASSWORD = "imap-test-password"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Dovecot:
    """``with Dovecot(tmp_path) as server: IMAPClient(server.host, server.port, ssl=False)``."""

    host = "127.0.0.1"
    user = USER
    password = PASSWORD

    def __init__(self, directory: Path) -> None:
        self.root = os.geteuid() == 0
        # Root: a directory of its own under /tmp, because the pytest temporary tree is closed to other users.
        self.directory = Path(tempfile.mkdtemp(prefix="tuki-dovecot-")) if self.root else directory / "dovecot"
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def maildir(self) -> Path:
        return self.directory / "Maildir"

    @property
    def log(self) -> Path:
        return self.directory / "dovecot.log"

    def _write_config(self) -> Path:
        home = self.directory / "home"
        for path in (self.directory, home, self.maildir, self.directory / "base", self.directory / "state"):
            path.mkdir(parents=True, exist_ok=True)
        if self.root:
            mail_user = pwd.getpwnam("dovecot")
            internal_user, internal_group, login_user = "dovecot", grp.getgrgid(mail_user.pw_gid).gr_name, "dovenull"
            uid, gid = mail_user.pw_uid, mail_user.pw_gid
            self.directory.chmod(0o755)
            for path in (home, self.maildir):
                os.chown(path, uid, gid)
        else:
            uid, gid = os.getuid(), os.getgid()
            internal_user = login_user = pwd.getpwuid(uid).pw_name
            internal_group = grp.getgrgid(gid).gr_name
        passwd = self.directory / "passwd"
        passwd.write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{home}\n")
        config = self.directory / "dovecot.conf"
        config.write_text(
            f"""
protocols = imap
listen = {self.host}
base_dir = {self.directory / "base"}
state_dir = {self.directory / "state"}
log_path = {self.log}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
mail_location = maildir:{self.maildir}
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_fsync = never
protocol imap {{
  mail_max_userip_connections = 100
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {passwd}
}}
userdb {{
  driver = passwd-file
  args = {passwd}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = {self.host}
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""
        )
        return config

    def start(self) -> Dovecot:
        if not Path(DOVECOT).exists():
            raise RuntimeError("Dovecot is not installed: apt-get install dovecot-imapd (make test does it).")
        for _attempt in range(3):
            self.port = _free_port()
            config = self._write_config()
            self.process = subprocess.Popen(  # noqa: S603 - a fixed program with our own config
                [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
            if self._wait_until_listening():
                return self
            self.stop(cleanup=False)
        raise RuntimeError(f"Dovecot did not start; its log:\n{self._log_text()}")

    def _wait_until_listening(self, seconds: float = 10.0) -> bool:
        assert self.process is not None
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with socket.create_connection((self.host, self.port), timeout=0.5) as connection:
                    if connection.recv(64).startswith(b"* OK"):
                        return True
            except OSError:
                time.sleep(0.05)
        return False

    def _log_text(self) -> str:
        stderr = b""
        if self.process is not None and self.process.stderr is not None and self.process.poll() is not None:
            stderr = self.process.stderr.read()
        log = self.log.read_text(errors="replace") if self.log.exists() else ""
        return log + stderr.decode(errors="replace")

    def stop(self, cleanup: bool = True) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            if self.process.stderr is not None:
                self.process.stderr.close()
            self.process = None
        if cleanup and self.root:
            shutil.rmtree(self.directory, ignore_errors=True)

    def client(self) -> object:
        """A logged-in IMAPClient, for putting mail into the mailbox and looking at it."""
        from imapclient import IMAPClient

        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=30)
        client.login(USER, PASSWORD)
        return client

    def empty(self) -> None:
        """Remove every message and every folder but INBOX, for the next test."""
        client: Any = self.client()
        for flags, _separator, name in sorted(client.list_folders(), key=lambda f: -len(f[2])):
            if name.upper() != "INBOX" and b"\\Noselect" not in flags and client.folder_exists(name):
                client.delete_folder(name)
        client.select_folder("INBOX")
        uids = client.search(["ALL"])
        if uids:
            client.delete_messages(uids)
            client.expunge()
        client.logout()

    def __enter__(self) -> Dovecot:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
