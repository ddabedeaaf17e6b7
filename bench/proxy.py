"""The README's nginx configuration for several dashboard processes ("Several processes on one machine"), run as
written: only what a test on one machine cannot have is changed (plain HTTP on a free port instead of TLS on
443, the processes' ports, files under a scratch folder). `make load` and tests/test_several_processes.py use it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import urllib.request
from pathlib import Path

from bench.procs import tree_cpu_seconds, wait_until_up

PROJECT_ROOT = Path(__file__).resolve().parent.parent
README = PROJECT_ROOT / "README.md"
SECTION = "### Several processes on one machine"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def readme_config() -> str:
    """The nginx block of the README's section, as written."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(SECTION) :]
    found = re.search(r"```nginx\n(.*?)```", section, re.S)
    if found is None:
        raise ValueError(f"README.md's {SECTION!r} has no nginx block")
    return found.group(1)


def local_config(listen: int, ports: list[int]) -> str:
    """The README's block for this machine: HTTP on `listen`, one upstream server per port in `ports`."""
    block = readme_config()
    servers = re.findall(r"^ *server 127\.0\.0\.1:\d+;\n", block, re.M)
    if not servers:
        raise ValueError("the README's upstream names no server")
    indent = servers[0][: len(servers[0]) - len(servers[0].lstrip())]
    start = block.index(servers[0])
    end = block.index(servers[-1]) + len(servers[-1])
    block = block[:start] + "".join(f"{indent}server 127.0.0.1:{p};\n" for p in ports) + block[end:]
    block = block.replace("listen 443 ssl;", f"listen 127.0.0.1:{listen};")
    block = re.sub(r"^ *ssl_certificate(_key)? .*\n", "", block, flags=re.M)
    return block.replace("; Secure;", ";")  # (the test speaks plain HTTP)


class Proxy:
    """nginx in the foreground with the README's configuration, its files in `folder`."""

    def __init__(self, folder: Path, listen: int, ports: list[int]):
        self.folder, self.listen, self.ports = folder, listen, ports
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Proxy:
        self.folder.mkdir(parents=True, exist_ok=True)
        temp = {name: self.folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
        for path in temp.values():
            path.mkdir(exist_ok=True)
        conf = self.folder / "nginx.conf"
        conf.write_text(
            ("user root;\n" if os.geteuid() == 0 else "")
            + f"daemon off;\nworker_processes 1;\npid {self.folder / 'nginx.pid'};\n"
            f"error_log {self.folder / 'error.log'} warn;\n"
            "events { worker_connections 1024; }\n"
            "http {\n"
            f"    access_log off;\n"
            f"    client_body_temp_path {temp['body']};\n    proxy_temp_path {temp['proxy']};\n"
            f"    fastcgi_temp_path {temp['fastcgi']};\n    uwsgi_temp_path {temp['uwsgi']};\n"
            f"    scgi_temp_path {temp['scgi']};\n" + local_config(self.listen, self.ports) + "}\n",
            encoding="utf-8",
        )
        self.process = subprocess.Popen(
            [NGINX, "-c", str(conf), "-p", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        wait_until_up(self.listen, self.process, "nginx", seconds=10)
        return self

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def cpu_seconds(self) -> float:
        """nginx's master and workers."""
        return tree_cpu_seconds(self.process.pid)


def route_cookie(listen: int) -> str:
    """What a browser's first request through the proxy gets: the cookie that keeps it on one process."""
    with urllib.request.urlopen(f"http://127.0.0.1:{listen}/", timeout=30) as reply:
        for header in reply.headers.get_all("Set-Cookie") or []:
            if header.startswith("dashboard_route="):
                return header.split(";", 1)[0]
    raise RuntimeError("the proxy set no dashboard_route cookie")
