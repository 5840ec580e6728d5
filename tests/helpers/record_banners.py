#!/usr/bin/env python3
"""Records real server bytes from Debian daemons as decoder fixtures.

Usage: python3 tests/helpers/record_banners.py OUTDIR [--nmap] [--starttls DENO]

Creates a network namespace of its own (h16d-rec-<pid>, loopback plus the
extra addresses 198.18.0.1 and 198.18.0.2 on it, no route out), starts each
daemon inside it from a generated config in a temp folder, connects with a
plain socket, sends the client-first hello (the same bytes as the decoders'
*_HELLO constants) and saves what the server sent as OUTDIR/<name>.bin.
OUTDIR/index.json lists, per fixture, the port, the hello (hex) and the
daemon's package version. With --nmap, `nmap -sV` runs against the same
namespace and its XML is saved as OUTDIR/nmap.xml (the oracle for names,
products and versions). Everything (namespace, processes, temp folder) is
removed at the end. Needs root and the Debian packages named in PACKAGES.

Usage: python3 tests/helpers/record_banners.py --serve   (h16s: the scanner lab)
starts the same daemons, plus a scanner namespace (h16s-scan-<pid>) linked
to the daemons' namespace by a veth pair (198.18.2.0/24; the daemons'
address 198.18.0.1 is routed over it; the scan source 198.18.2.100 is not
the scanner kernel's), prints one JSON line (namespaces, adapter, MACs,
ports, the certificate's fingerprint, package versions), and keeps
everything up until its stdin closes; then removes it all.

The daemons that can speak TLS get a certificate generated for the run
(CN=lab.zon.test; its SHA-256 fingerprint goes into index.json as
certificateSha256): nginx on 443, Dovecot's STARTTLS and 993/995, Exim's
STARTTLS, vsftpd's AUTH TLS, PostgreSQL's SSLRequest, and a TLS-1.3-only
`openssl s_server` on 4433. With --starttls DENO, tests/helpers/
starttls_probe.ts runs in the namespace against those ports and its JSON is
saved as OUTDIR/starttls.json.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import glob
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ left in the checkout
from lab_processes import stop_process_groups  # noqa: E402

NS = f"h16d-rec-{os.getpid()}"
SERVER = "198.18.0.1"
# A second address: a client from it is "not allowed" by MariaDB's grants.
OTHER = "198.18.0.2"

PACKAGES = {
    "redis": "redis-server",
    "memcached": "memcached",
    "mqtt": "mosquitto",
    "mysql": "mariadb-server",
    # The server package of the installed major version (postgresql-15 on Debian 12).
    "postgres": "postgresql-" + os.path.basename(os.path.dirname(os.path.dirname(
        sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))[-1]))) if glob.glob("/usr/lib/postgresql/*/bin/postgres")
    else "postgresql",
    "ssh": "openssh-server",
    "http": "nginx",
    "ftp": "vsftpd",
    "smtp": "exim4-daemon-light",
    "pop3": "dovecot-pop3d",
    "imap": "dovecot-imapd",
    "dns": "dnsmasq-base",
    "telnet": "inetutils-telnetd",
    "smb": "samba",
    "rdp": "xrdp",
    "vnc": "tigervnc-standalone-server",
}

REDIS_HELLO = b"*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n"
MEMCACHED_HELLO = b"stats\r\n"
# MQTT 3.1.1 CONNECT, clean session, keep-alive 60 s, client id "zon", then
# SUBSCRIBE $SYS/broker/version (packet id 1, QoS 0).
MQTT_HELLO = (bytes.fromhex("100f00044d5154540402003c00037a6f6e") +
              bytes([0x82, 2 + 2 + 19 + 1, 0, 1, 0, 19]) + b"$SYS/broker/version" + b"\0")
# PostgreSQL StartupMessage, protocol 3.0, user=zon database=zon.
def pg_startup(user: bytes) -> bytes:
    body = (3 << 16).to_bytes(4, "big") + b"user\0" + user + b"\0database\0" + user + b"\0\0"
    return (len(body) + 4).to_bytes(4, "big") + body
POSTGRES_HELLO = pg_startup(b"zon")
# The same with the superuser's name: a trusting server logs it in (ParameterStatus).
POSTGRES_LOGIN = pg_startup(b"postgres")
POSTGRES_SSL_REQUEST = bytes.fromhex("0000000804d2162f")
# The same bytes as decoders' DNS_VERSION_BIND_HELLO, RDP_HELLO, SMB2_HELLO.
DNS_HELLO = bytes([0, 30, 0x5a, 0x6f, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]) + b"\x07version\x04bind\x00" + bytes([0, 16, 0, 3])
RDP_HELLO = bytes.fromhex("030000130ee00000000000010008000b000000")
def smb2_negotiate() -> bytes:
    dialects = [0x0202, 0x0210, 0x0300, 0x0302]
    body = bytearray(36 + 2 * len(dialects))
    body[0:2] = (36).to_bytes(2, "little")
    body[2:4] = len(dialects).to_bytes(2, "little")
    body[4:6] = (1).to_bytes(2, "little")
    body[12:20] = b"zon-scan"
    for i, d in enumerate(dialects):
        body[36 + 2 * i:38 + 2 * i] = d.to_bytes(2, "little")
    header = bytearray(64)
    header[0:4] = b"\xfeSMB"
    header[4:6] = (64).to_bytes(2, "little")
    header[14:16] = (1).to_bytes(2, "little")
    message = bytes(header) + bytes(body)
    return len(message).to_bytes(4, "big") + message
SMB2_HELLO = smb2_negotiate()
HTTP_HELLO = b"GET / HTTP/1.0\r\nHost: 198.18.0.1\r\nUser-Agent: zon\r\nAccept: */*\r\n\r\n"


def sh(*args, **kw):
    return subprocess.run(list(args), check=True, **kw)


def ns(*args):
    return ["ip", "netns", "exec", NS, *args]


# inetd for telnetd: one telnetd per connection, the socket as its stdin/stdout.
TELNET_INETD = r"""
import socket, subprocess, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 23))
s.listen()
while True:
    c, _ = s.accept()
    subprocess.Popen(["/usr/sbin/telnetd"], stdin=c, stdout=c, stderr=subprocess.DEVNULL, start_new_session=False)
    c.close()
"""


def wait_port(port, host=SERVER, timeout=20.0):
    end = time.time() + timeout
    while time.time() < end:
        r = subprocess.run(ns("python3", "-c", f"import socket;socket.create_connection(('{host}',{port}),1).close()"),
                           capture_output=True)
        if r.returncode == 0:
            return
        time.sleep(0.2)
    raise RuntimeError(f"port {port} did not open")


CLIENT = r"""
import socket, sys, time
host, port, hello, source = sys.argv[1], int(sys.argv[2]), bytes.fromhex(sys.argv[3]), sys.argv[4]
s = socket.socket()
if source: s.bind((source, 0))
s.settimeout(3)
s.connect((host, port))
if hello: s.sendall(hello)
data = b""
end = time.time() + 3
while time.time() < end and len(data) < 65536:
    try:
        chunk = s.recv(65536)
    except socket.timeout:
        break
    except ConnectionResetError:  # a server closing on unread input resets
        break
    if not chunk: break
    data += chunk
    s.settimeout(0.7)
    if port == 23:  # answer option negotiation as decoders/telnet_banner.ts does
        reply = b""
        i = 0
        while i + 2 < len(chunk):
            if chunk[i] == 0xff and chunk[i + 1] in (0xfb, 0xfd):
                verb, option = chunk[i + 1], chunk[i + 2]
                if verb == 0xfd: reply += bytes([0xff, 0xfc, option])
                else: reply += bytes([0xff, 0xfd if option in (1, 3) else 0xfe, option])
                i += 3
            else:
                i += 1
        if reply: s.sendall(reply)
    if port == 3389 and chunk[5:6] == b"\xd0":  # decoders/rdp_banner.ts's out-of-turn request
        s.sendall(b"\x03\x00\x00\x0b\x06\xe0\x00\x00\x00\x00\x00")
sys.stdout.buffer.write(data)
"""


def grab(port, hello=b"", source=""):
    r = subprocess.run(ns("python3", "-c", CLIENT, SERVER, str(port), hello.hex(), source),
                       capture_output=True, check=True)
    return r.stdout


def version(pkg):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True)
    return r.stdout


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


TLS_PORTS = [(25, "smtp"), (110, "pop3"), (143, "imap"), (21, "ftp"), (5432, "postgresql"),
             (443, "tls"), (993, "tls"), (995, "tls"), (4433, "tls")]


def make_certificate(tmp):
    sh("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
       "-subj", "/CN=lab.zon.test", "-keyout", f"{tmp}/key.pem", "-out", f"{tmp}/cert.pem",
       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = subprocess.run(["openssl", "x509", "-in", f"{tmp}/cert.pem", "-noout", "-fingerprint", "-sha256"],
                         capture_output=True, text=True, check=True).stdout
    return out.strip().split("=")[1].replace(":", "").lower()


procs_cleanup = []

# Host paths the daemons touch although their configs point into the temp
# folder (the namespace shares the file system): Dovecot's instance list,
# X's socket folder (Xtigervnc), xrdp's socket folder, sshd's privsep folder.
# Each is snapshot before the run and put back after it.
SIDE_PATHS = ["/var/lib/dovecot/instances", "/tmp/.X11-unix", "/run/xrdp/sockdir"]


def snapshot(paths):
    saved = {}
    for path in paths:
        if os.path.isdir(path):
            saved[path] = ("dir", set(os.listdir(path)))
        elif os.path.isfile(path):
            with open(path, "rb") as f:
                saved[path] = ("file", f.read())
        else:
            saved[path] = ("absent", None)
    return saved


def restore(saved):
    for path, (kind, content) in saved.items():
        if kind == "absent":
            if os.path.isdir(path):
                shutil.rmtree(path, ignore_errors=True)
            elif os.path.exists(path):
                os.remove(path)
        elif kind == "file":
            with open(path, "wb") as f:
                f.write(content)
        elif os.path.isdir(path):
            for entry in set(os.listdir(path)) - content:
                target = os.path.join(path, entry)
                if os.path.isdir(target):
                    shutil.rmtree(target, ignore_errors=True)
                else:
                    os.remove(target)


def start_all(tmp, procs):
    def spawn(args, user=None, **kw):
        cmd = ns(*args) if user is None else ns("runuser", "-u", user, "--", *args)
        procs.append(subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=open(f"{tmp}/{len(procs)}.log", "w"),
                                      start_new_session=True, **kw))

    spawn(["redis-server", "--port", "6379", "--bind", SERVER, "--save", "", "--dir", tmp,
           "--protected-mode", "no"])
    spawn(["redis-server", "--port", "6380", "--bind", SERVER, "--save", "", "--dir", tmp,
           "--requirepass", "secret"])
    spawn(["memcached", "-u", "nobody", "-l", SERVER, "-p", "11211", "-U", "0"])
    write(f"{tmp}/mosquitto.conf", f"listener 1883 {SERVER}\nallow_anonymous true\npersistence false\n")
    spawn(["mosquitto", "-c", f"{tmp}/mosquitto.conf"])
    write(f"{tmp}/mosquitto-auth.conf", f"listener 1884 {SERVER}\nallow_anonymous false\npersistence false\n")
    spawn(["mosquitto", "-c", f"{tmp}/mosquitto-auth.conf"])

    # MariaDB: a fresh data dir; only localhost accounts, so OTHER is "not allowed".
    os.makedirs(f"{tmp}/mysql")
    sh("mariadb-install-db", "--no-defaults", f"--datadir={tmp}/mysql", "--user=root", "--auth-root-authentication-method=normal",
       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    spawn(["mariadbd", "--no-defaults", f"--datadir={tmp}/mysql", "--user=root", f"--bind-address={SERVER}",
           "--port=3306", f"--socket={tmp}/mysql.sock", "--skip-name-resolve", f"--pid-file={tmp}/mysql.pid"])

    pg = f"{tmp}/pg"
    os.makedirs(pg)
    shutil.chown(pg, "postgres")
    bindir = os.path.dirname(sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))[-1])
    sh("runuser", "-u", "postgres", "--", f"{bindir}/initdb", "-D", f"{pg}/data", "-A", "trust",
       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for name in ("cert.pem", "key.pem"):
        shutil.copy(f"{tmp}/{name}", f"{pg}/{name}")
        shutil.chown(f"{pg}/{name}", "postgres")
        os.chmod(f"{pg}/{name}", 0o600)
    with open(f"{pg}/data/pg_hba.conf", "w") as f:
        f.write("host all all 198.18.0.2/32 trust\n")  # zon via OTHER: trusted (ParameterStatus)
    spawn([f"{bindir}/postgres", "-D", f"{pg}/data", "-c", f"listen_addresses={SERVER}", "-c", "port=5432",
           "-c", f"unix_socket_directories={pg}", "-c", "ssl=on", "-c", f"ssl_cert_file={pg}/cert.pem",
           "-c", f"ssl_key_file={pg}/key.pem"], user="postgres")

    if not os.path.isdir("/run/sshd"):  # sshd's privilege-separation dir; removed at the end
        os.makedirs("/run/sshd")
        procs_cleanup.append(lambda: shutil.rmtree("/run/sshd", ignore_errors=True))
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f"{tmp}/ssh_host_ed25519_key")
    write(f"{tmp}/sshd_config", f"ListenAddress {SERVER}:22\nHostKey {tmp}/ssh_host_ed25519_key\nPidFile {tmp}/sshd.pid\n")
    spawn(["/usr/sbin/sshd", "-D", "-e", "-f", f"{tmp}/sshd_config"])

    write(f"{tmp}/nginx.conf", f"""pid {tmp}/nginx.pid; error_log {tmp}/nginx.err; daemon off;
events {{}}
http {{ access_log off; client_body_temp_path {tmp}; proxy_temp_path {tmp}; fastcgi_temp_path {tmp};
  uwsgi_temp_path {tmp}; scgi_temp_path {tmp};
  server {{ listen {SERVER}:80; location / {{ return 200 "<html><title>zon lab</title></html>"; }} }}
  server {{ listen {SERVER}:443 ssl; ssl_certificate {tmp}/cert.pem; ssl_certificate_key {tmp}/key.pem;
    location / {{ return 200 "<html><title>zon lab tls</title></html>"; }} }} }}
""")
    spawn(["nginx", "-c", f"{tmp}/nginx.conf"])

    write(f"{tmp}/vsftpd.conf", f"listen=YES\nlisten_address={SERVER}\nlisten_port=21\nbackground=NO\n"
          "anonymous_enable=YES\nlocal_enable=NO\nsecure_chroot_dir=/var/run/vsftpd/empty\n"
          f"ssl_enable=YES\nallow_anon_ssl=YES\nforce_anon_logins_ssl=NO\nforce_anon_data_ssl=NO\n"
          f"rsa_cert_file={tmp}/cert.pem\nrsa_private_key_file={tmp}/key.pem\n")
    spawn(["vsftpd", f"{tmp}/vsftpd.conf"])

    os.makedirs(f"{tmp}/exim/spool")
    write(f"{tmp}/exim/exim.conf", f"""daemon_smtp_ports = 25
local_interfaces = {SERVER}
spool_directory = {tmp}/exim/spool
log_file_path = {tmp}/exim/%slog
primary_hostname = lab.zon.test
exim_user = root
exim_group = root
never_users =
tls_certificate = {tmp}/cert.pem
tls_privatekey = {tmp}/key.pem
tls_advertise_hosts = *
begin acl
""")
    spawn(["exim4", "-bdf", "-C", f"{tmp}/exim/exim.conf", "-oP", f"{tmp}/exim/pid"])

    os.makedirs(f"{tmp}/dovecot/run")
    write(f"{tmp}/dovecot/dovecot.conf", f"""protocols = imap pop3
listen = {SERVER}
base_dir = {tmp}/dovecot/run
log_path = {tmp}/dovecot/log
ssl = yes
ssl_cert = <{tmp}/cert.pem
ssl_key = <{tmp}/key.pem
passdb {{
  driver = static
  args = password=unused
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home=/nonexistent
}}
""")
    spawn(["dovecot", "-F", "-c", f"{tmp}/dovecot/dovecot.conf"])
    spawn(["dnsmasq", "--no-daemon", "--port=53", f"--listen-address={SERVER}", "--bind-interfaces",
           "--no-resolv", "--no-hosts", "--conf-file=/dev/null", f"--pid-file={tmp}/dnsmasq.pid", "--user=root"])
    spawn(["python3", "-c", TELNET_INETD, SERVER])
    os.makedirs(f"{tmp}/samba")
    for sub in ("lock", "state", "cache", "pid", "private", "ncalrpc", "binddns"):
        os.makedirs(f"{tmp}/samba/{sub}")
    write(f"{tmp}/samba/smb.conf", f"""[global]
server role = standalone server
netbios name = zonsamba
interfaces = {SERVER}
bind interfaces only = yes
smb ports = 445
disable netbios = yes
lock directory = {tmp}/samba/lock
state directory = {tmp}/samba/state
cache directory = {tmp}/samba/cache
pid directory = {tmp}/samba/pid
private dir = {tmp}/samba/private
ncalrpc dir = {tmp}/samba/ncalrpc
binddns dir = {tmp}/samba/binddns
log file = {tmp}/samba/log
""")
    spawn(["smbd", "--foreground", "--no-process-group", f"--configfile={tmp}/samba/smb.conf"])
    write(f"{tmp}/xrdp.ini", f"""[Globals]
port=tcp://{SERVER}:3389
security_layer=negotiate
certificate={tmp}/cert.pem
key_file={tmp}/key.pem
fork=true
[Logging]
LogFile={tmp}/xrdp.log
EnableSyslog=false
""")
    spawn(["xrdp", "--nodaemon", "--config", f"{tmp}/xrdp.ini"])
    spawn(["Xtigervnc", ":57", "-rfbport", "5901", "-interface", SERVER, "-SecurityTypes", "None",
           "-localhost=0", "-nolisten", "tcp"])
    spawn(["openssl", "s_server", "-quiet", "-tls1_3", "-accept", f"{SERVER}:4433", "-cert", f"{tmp}/cert.pem",
           "-key", f"{tmp}/key.pem"])


def record(out, with_nmap, deno):
    os.makedirs(out, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="h16d-rec-")
    os.chmod(tmp, 0o755)
    procs = []
    side = snapshot(SIDE_PATHS)
    sh("ip", "netns", "add", NS)
    try:
        sh("ip", "-n", NS, "link", "set", "lo", "up")
        sh("ip", "-n", NS, "addr", "add", f"{SERVER}/32", "dev", "lo")
        sh("ip", "-n", NS, "addr", "add", f"{OTHER}/32", "dev", "lo")
        fingerprint = make_certificate(tmp)
        start_all(tmp, procs)
        plan = [
            # name, port, hello, source address, package key
            ("redis_info", 6379, REDIS_HELLO, "", "redis"),
            ("redis_noauth", 6380, REDIS_HELLO, "", "redis"),
            # What a Redis port answers an unknown command: a Redis -ERR, not POP3.
            ("redis_unknown_command", 6379, b"HELP\r\n", "", "redis"),
            ("memcached_stats", 11211, MEMCACHED_HELLO, "", "memcached"),
            ("mqtt_connack", 1883, MQTT_HELLO, "", "mqtt"),
            ("mqtt_connack_refused", 1884, MQTT_HELLO, "", "mqtt"),
            ("mysql_greeting", 3306, b"", SERVER, "mysql"),
            ("mysql_host_not_allowed", 3306, b"", OTHER, "mysql"),
            ("postgres_startup_trust", 5432, POSTGRES_HELLO, OTHER, "postgres"),
            ("postgres_startup_login", 5432, POSTGRES_LOGIN, OTHER, "postgres"),
            ("postgres_startup_no_hba", 5432, POSTGRES_HELLO, SERVER, "postgres"),
            ("postgres_ssl_request", 5432, POSTGRES_SSL_REQUEST, SERVER, "postgres"),
            ("ssh_greeting", 22, b"", "", "ssh"),
            ("http_nginx", 80, HTTP_HELLO, "", "http"),
            ("ftp_vsftpd", 21, b"", "", "ftp"),
            ("smtp_exim", 25, b"", "", "smtp"),
            ("pop3_dovecot", 110, b"", "", "pop3"),
            ("imap_dovecot", 143, b"", "", "imap"),
            ("dns_dnsmasq", 53, DNS_HELLO, "", "dns"),
            ("telnet_inetutils", 23, b"", "", "telnet"),
            ("smb2_samba", 445, SMB2_HELLO, "", "smb"),
            ("rdp_xrdp", 3389, RDP_HELLO, "", "rdp"),
            ("vnc_tigervnc", 5901, b"", "", "vnc"),
        ]
        wait_port(3306)
        # An account for SERVER only: a client from SERVER is greeted, one from OTHER is not allowed.
        sh(*ns("mariadb", f"--socket={tmp}/mysql.sock", "-u", "root", "-e", f"CREATE USER 'zon'@'{SERVER}'"))
        index = {}
        for name, port, hello, source, key in plan:
            wait_port(port)
            data = grab(port, hello, source)
            with open(f"{out}/{name}.bin", "wb") as f:
                f.write(data)
            index[name] = {"port": port, "hello": hello.hex(), "package": PACKAGES[key],
                           "packageVersion": version(PACKAGES[key]), "bytes": len(data)}
            print(f"{name}: {len(data)} bytes", file=sys.stderr)
        index["certificateSha256"] = fingerprint
        write(f"{out}/index.json", json.dumps(index, indent=2, sort_keys=True) + "\n")
        if deno:
            for port, _ in TLS_PORTS:
                wait_port(port)
            probe = os.path.join(os.path.dirname(os.path.abspath(__file__)), "starttls_probe.ts")
            r = subprocess.run(ns(deno, "run", "--allow-net", probe, SERVER, *[f"{p}:{k}" for p, k in TLS_PORTS]),
                               capture_output=True, text=True, check=True)
            write(f"{out}/starttls.json", json.dumps(json.loads(r.stdout), indent=2) + "\n")
        if with_nmap:
            ports = ",".join(str(p) for p in sorted({p for _, p, _, _, _ in plan} | {p for p, _ in TLS_PORTS}))
            sh(*ns("nmap", "-n", "-Pn", "-sV", "-p", ports, "-oX", f"{out}/nmap.xml", SERVER),
               stdout=subprocess.DEVNULL)
    finally:
        stop_process_groups(procs, 10)
        subprocess.run(["ip", "netns", "del", NS])
        for cleanup in procs_cleanup:
            cleanup()
        restore(side)
        shutil.rmtree(tmp, ignore_errors=True)


SCAN_NS = f"h16s-scan-{os.getpid()}"
SCAN_LINK = {"adapter": "zs0", "adapterMac": "02:00:5a:16:00:02", "routerMac": "02:00:5a:16:00:01",
             "scannerIp": "198.18.2.2", "adapterIp": "198.18.2.100", "routerIp": "198.18.2.1"}
# The ports the scanner lab scans: every daemon once (1884 is a second,
# authenticating Mosquitto: a recording for the decoders only).
SERVE_PORTS = [21, 22, 23, 25, 53, 80, 110, 143, 443, 445, 993, 995, 1883, 3306, 3389, 4433, 5432, 5901,
               6379, 6380, 11211]


def link_scanner():
    """The scanner namespace and its veth to the daemons' namespace."""
    k = SCAN_LINK
    sh("ip", "netns", "add", SCAN_NS)
    sh("ip", "-n", SCAN_NS, "link", "set", "lo", "up")
    sh("ip", "link", "add", k["adapter"], "netns", SCAN_NS, "address", k["adapterMac"], "type", "veth",
       "peer", "name", "zr0", "netns", NS, "address", k["routerMac"])
    sh("ip", "-n", SCAN_NS, "addr", "add", k["scannerIp"] + "/24", "dev", k["adapter"])
    sh("ip", "-n", NS, "addr", "add", k["routerIp"] + "/24", "dev", "zr0")
    for name, dev in ((SCAN_NS, k["adapter"]), (NS, "zr0")):
        # Software checksums: frames cross the link final, as from a real NIC.
        sh("ip", "netns", "exec", name, "ethtool", "-K", dev, "tx", "off", stdout=subprocess.DEVNULL)
        sh("ip", "-n", name, "link", "set", dev, "up")
    sh("ip", "-n", SCAN_NS, "route", "add", SERVER + "/32", "via", k["routerIp"])
    # The scan source is no kernel's: the daemons' side knows its MAC.
    sh("ip", "-n", NS, "neigh", "replace", k["adapterIp"], "lladdr", k["adapterMac"], "dev", "zr0",
       "nud", "permanent")
    for _ in range(100):
        if b"state UP" in subprocess.run(["ip", "-n", SCAN_NS, "link", "show", k["adapter"]],
                                         capture_output=True).stdout:
            break
        time.sleep(0.02)


def serve():
    tmp = tempfile.mkdtemp(prefix="h16s-serve-")
    os.chmod(tmp, 0o755)
    procs = []
    side = snapshot(SIDE_PATHS)
    sh("ip", "netns", "add", NS)
    try:
        sh("ip", "-n", NS, "link", "set", "lo", "up")
        sh("ip", "-n", NS, "addr", "add", f"{SERVER}/32", "dev", "lo")
        sh("ip", "-n", NS, "addr", "add", f"{OTHER}/32", "dev", "lo")
        link_scanner()
        fingerprint = make_certificate(tmp)
        start_all(tmp, procs)
        wait_port(3306)
        # MariaDB greets the scanners (zon and masscan from adapterIp, nmap from scannerIp).
        for host in (SCAN_LINK["adapterIp"], SCAN_LINK["scannerIp"]):
            sh(*ns("mariadb", f"--socket={tmp}/mysql.sock", "-u", "root", "-e", f"CREATE USER 'zon'@'{host}'"))
        for port in SERVE_PORTS:
            wait_port(port)
        info = {"daemonNs": NS, "scanNs": SCAN_NS, "server": SERVER, **SCAN_LINK, "ports": SERVE_PORTS,
                "certificateSha256": fingerprint,
                "packages": {key: {"package": pkg, "version": version(pkg)} for key, pkg in PACKAGES.items()}}
        print(json.dumps(info), flush=True)
        sys.stdin.read()
    finally:
        stop_process_groups(procs, 10)
        subprocess.run(["ip", "netns", "del", SCAN_NS])
        subprocess.run(["ip", "netns", "del", NS])
        for cleanup in procs_cleanup:
            cleanup()
        restore(side)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve()
        sys.exit(0)
    if len(sys.argv) < 2:
        sys.exit("usage: record_banners.py OUTDIR [--nmap] [--starttls DENO]")
    args = sys.argv[2:]
    record(sys.argv[1], "--nmap" in args, args[args.index("--starttls") + 1] if "--starttls" in args else None)
