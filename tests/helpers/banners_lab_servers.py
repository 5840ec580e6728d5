"""Lab servers for tests/banners_netns_test.ts (run inside the target namespace).

greet HOST JSON   -- JSON {"port": "greeting text"}: send the greeting on
                     accept, then read until the client goes away.
relay HOST SPEC.. -- SPEC is LISTEN:UPSTREAM. Server-to-client bytes are
                     forwarded in 1-7 byte pieces with TCP_NODELAY, so the
                     scanner sees tiny segments (netem then reorders some).
"""
import json
import random
import socket
import socketserver
import sys
import threading
import time


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def greeter(text):
    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            self.request.settimeout(15)
            self.request.sendall(text.encode("latin-1"))
            try:
                while self.request.recv(4096):
                    pass
            except OSError:
                pass

    return Handler


def relay(host, upstream_port):
    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            client = self.request
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            client.settimeout(15)
            upstream = socket.create_connection((host, upstream_port), timeout=15)

            def up():
                try:
                    while True:
                        data = client.recv(4096)
                        if not data:
                            break
                        upstream.sendall(data)
                except OSError:
                    pass

            threading.Thread(target=up, daemon=True).start()
            try:
                while True:
                    data = upstream.recv(4096)
                    if not data:
                        break
                    at = 0
                    while at < len(data):
                        size = random.randint(1, 7)
                        client.sendall(data[at:at + size])
                        at += size
                        time.sleep(0.001)
            except OSError:
                pass
            finally:
                upstream.close()

    return Handler


def main():
    mode, host = sys.argv[1], sys.argv[2]
    servers = []
    if mode == "greet":
        for port, text in json.loads(sys.argv[3]).items():
            servers.append(Server((host, int(port)), greeter(text)))
    else:
        for spec in sys.argv[3:]:
            listen, upstream = spec.split(":")
            servers.append(Server((host, int(listen)), relay(host, int(upstream))))
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print("ready", flush=True)
    while True:
        time.sleep(3600)


main()
