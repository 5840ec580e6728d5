# Servers and clients for zon watch's lab (run inside the lab's namespaces).
#   servers DIR ADDR4 ADDR6: HTTP on 8080 (DIR), fake SSH on 22, SMTP-like on
#     2525, DNS on UDP 53, until killed
#   clients ADDR4: talks SSH, SMTP and DNS to the servers once each
import http.server
import socket
import socketserver
import sys
import threading


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class V6Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    address_family = socket.AF_INET6
    daemon_threads = True


class V4Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def greeting_server(addr, port, greeting, replies):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(16)
    while True:
        c, _ = s.accept()
        c.sendall(greeting)
        for reply in replies:
            if not c.recv(4096):
                break
            c.sendall(reply)
        c.close()


def dns_server(addr):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, 53))
    while True:
        query, peer = s.recvfrom(2048)
        # Answer with the question, flags set to "response, no error".
        s.sendto(query[:2] + b"\x81\x80" + query[4:], peer)


def servers(directory, addr4, addr6):
    handler = lambda *a, **k: Quiet(*a, directory=directory, **k)
    threads = [
        lambda: V4Server((addr4, 8080), handler).serve_forever(),
        lambda: V6Server((addr6, 8080), handler).serve_forever(),
        lambda: greeting_server(addr4, 22, b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n",
                                [b""]),
        lambda: greeting_server(addr4, 2525, b"220 mail.watch.example ESMTP\r\n",
                                [b"250 mail.watch.example\r\n", b"221 bye\r\n"]),
        lambda: dns_server(addr4),
    ]
    for t in threads:
        threading.Thread(target=t, daemon=True).start()
    print("ready", flush=True)
    threading.Event().wait()


def clients(addr4):
    c = socket.create_connection((addr4, 22))
    c.recv(100)
    c.sendall(b"SSH-2.0-zonlab_1.0\r\n")
    c.close()
    c = socket.create_connection((addr4, 2525))
    c.recv(100)
    c.sendall(b"HELO client.watch.example\r\n")
    c.recv(100)
    c.sendall(b"QUIT\r\n")
    c.recv(100)
    c.close()
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(2)
    query = (b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
             b"\x05watch\x07example\x00\x00\x01\x00\x01")
    u.sendto(query, (addr4, 53))
    u.recvfrom(2048)


if __name__ == "__main__":
    if sys.argv[1] == "servers":
        servers(*sys.argv[2:5])
    else:
        clients(sys.argv[2])
