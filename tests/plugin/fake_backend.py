"""A backend that never answers, for the responsiveness tests (run as "<python> fake_backend.py
-m slick_backend serve ... --state-dir DIR"): it listens on 127.0.0.1, writes server.json as
the real server does, accepts every connection and never replies. FAKE_MODE=never-discover:
it never writes server.json (a server that never becomes healthy)."""

import json
import os
import socket
import sys
import time

args = sys.argv[1:]
state = args[args.index("--state-dir") + 1]
os.makedirs(state, exist_ok=True)
if os.environ.get("FAKE_MODE") == "never-discover":
    while True:
        time.sleep(3600)
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(64)
with open(os.path.join(state, "server.json"), "w") as f:
    json.dump({"pid": os.getpid(), "url": f"http://127.0.0.1:{server.getsockname()[1]}"}, f)
held = []
while True:
    conn, _ = server.accept()
    held.append(conn)  # kept open, never answered
