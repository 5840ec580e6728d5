#!/usr/bin/env python3
"""The UDP lab of real Debian daemons (h16u): test and benchmark helper.

Usage: python3 tests/helpers/udp_daemons_lab.py

Creates two network namespaces of its own, h16u-udpd-<pid> (the daemons,
198.18.40.1 on veth `vd`) and h16u-udps-<pid> (the scanner, 198.18.40.2 on
veth `vs`), no route out. Starts inside the daemons' namespace, each from a
config generated into a temp folder: dnsmasq (DNS 53), tftpd-hpa (69),
rpcbind (111), chrony (NTP 123), nmbd from Samba (NetBIOS 137), snmpd
(161: v1 `public` and SNMPv3, engine ID from `engineID zonlab`), ngtcp2's
gtlsserver (QUIC 443: Version Negotiation), strongSwan
charon (IKE 500), minissdpd (SSDP 1900, with one service submitted through
its socket), `openssl s_server -dtls` (DTLS 4433, `-listen`: a
HelloVerifyRequest to every ClientHello), Kamailio (SIP 5060), miniupnpd (NAT-PMP 5351), avahi-daemon
(mDNS 5353, one _http._tcp service), libcoap's coap-server (CoAP 5683) and
memcached -U (11211). Every daemon runs in a mount namespace of its own with
a private tmpfs on /run, so no pid file or socket reaches the host's /run.

Prints one JSON line (namespaces, adapter, MACs, addresses, ports, package
versions, the SNMP engine ID configured), then keeps everything up until
its stdin closes; then kills the daemons and removes the namespaces and the
temp folder. Needs root and the packages in PACKAGES.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ left in the checkout
from lab_processes import stop_process_groups  # noqa: E402

PID = os.getpid()
NS_D = f"h16u-udpd-{PID}"
NS_S = f"h16u-udps-{PID}"
SERVER = "198.18.40.1"
SCANNER = "198.18.40.2"
# zon scans from an address its kernel does not own (no ICMP unreachable
# from the scanner kernel for replies it did not ask for).
ZON_IP = "198.18.40.100"
SNMP_ENGINE = "zonlab"

# Port -> Debian package of the daemon behind it.
PACKAGES = {
    53: "dnsmasq-base",
    69: "tftpd-hpa",
    111: "rpcbind",
    123: "chrony",
    137: "samba",
    161: "snmpd",
    443: "ngtcp2-server",
    500: "strongswan-charon",
    1900: "minissdpd",
    4433: "openssl",
    5060: "kamailio",
    5351: "miniupnpd-nftables",
    5353: "avahi-daemon",
    5683: "libcoap3-bin",
    11211: "memcached",
}

# Each daemon's command runs through this: a private tmpfs on /run.
PRIVATE_RUN = "mount -t tmpfs tmpfs /run && mkdir -p /run/samba && exec \"$@\""


def sh(*args, **kw):
    return subprocess.run(list(args), check=True, **kw)


def configs(d):
    """Writes the daemons' configs into `d`; returns port -> argv."""
    os.makedirs(f"{d}/tftp")
    os.makedirs(f"{d}/snmp")
    os.makedirs(f"{d}/samba")
    os.makedirs(f"{d}/avahi-services")
    with open(f"{d}/avahi.conf", "w") as f:
        f.write("[server]\nhost-name=zonlab\ndomain-name=local\nuse-ipv4=yes\n"
                "use-ipv6=no\nallow-interfaces=vd\nenable-dbus=no\n"
                "[publish]\npublish-workstation=yes\n")
    with open(f"{d}/avahi-services/http.service", "w") as f:
        f.write("<?xml version=\"1.0\" standalone='no'?>\n"
                "<!DOCTYPE service-group SYSTEM \"avahi-service.dtd\">\n"
                "<service-group><name>zon lab web</name><service>"
                "<type>_http._tcp</type><port>80</port></service></service-group>\n")
    with open(f"{d}/chrony.conf", "w") as f:
        f.write(f"allow all\nlocal stratum 8\nbindaddress {SERVER}\n"
                f"cmdport 0\nbindcmdaddress /\npidfile {d}/chronyd.pid\n")
    with open(f"{d}/snmpd.conf", "w") as f:
        f.write(f"rocommunity public default\nengineID {SNMP_ENGINE}\n"
                "sysDescr zon UDP lab snmpd\n")
    with open(f"{d}/smb.conf", "w") as f:
        f.write("[global]\nnetbios name = ZONLAB\nworkgroup = ZONGROUP\n"
                f"interfaces = {SERVER}/24\nbind interfaces only = yes\n" +
                "".join(f"{k} = {d}/samba\n" for k in (
                    "lock directory", "state directory", "cache directory",
                    "pid directory", "private dir")) +
                f"log file = {d}/samba/log.%m\n")
    with open(f"{d}/miniupnpd.conf", "w") as f:
        # The "WAN" is a veth with a reserved address: miniupnpd answers a
        # public address request with result 3 (network failure).
        f.write("ext_ifname=wan\nlistening_ip=vd\nenable_natpmp=yes\n"
                "enable_upnp=no\nsecure_mode=no\n"
                "uuid=3d3cec3a-8cf0-11e0-98ee-001a6bd2d07b\n"
                f"lease_file={d}/miniupnpd.leases\n"
                "allow 1024-65535 198.18.40.0/24 1024-65535\n"
                "deny 0-65535 0.0.0.0/0 0-65535\n")
    with open(f"{d}/strongswan.conf", "w") as f:
        f.write("charon {\n  port = 500\n  port_nat_t = 4500\n}\n")
    with open(f"{d}/kamailio.cfg", "w") as f:
        f.write("#!KAMAILIO\nchildren=1\nloadmodule \"sl.so\"\n"
                f"listen=udp:{SERVER}:5060\n"
                "request_route {\n"
                "  if (method==\"OPTIONS\") { sl_send_reply(\"200\", \"OK\"); exit; }\n"
                "  sl_send_reply(\"404\", \"Not here\");\n}\n")
    sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
       "-subj", "/CN=udp.zon.test", "-keyout", f"{d}/key.pem", "-out",
       f"{d}/cert.pem", capture_output=True)
    return {
        53: ["dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
             f"--listen-address={SERVER}", "--bind-interfaces", "--no-resolv",
             "--no-hosts", "--pid-file=", "--user=root", "--port=53"],
        69: ["in.tftpd", "--foreground", "--listen", "--user", "root",
             "--address", f"{SERVER}:69", "--secure", f"{d}/tftp"],
        111: ["rpcbind", "-f", "-h", SERVER],
        123: ["chronyd", "-d", "-x", "-4", "-u", "root", "-f",
              f"{d}/chrony.conf"],
        # -l: nmbd logs its start (and makes cores/) before it reads the
        # config's `log file`: into the lab's folder, not /var/log/samba.
        137: ["nmbd", "-F", "--no-process-group", "-s", f"{d}/smb.conf",
              "-l", f"{d}/samba"],
        161: ["env", f"SNMP_PERSISTENT_DIR={d}/snmp", "MIBS=", "snmpd", "-f",
              "-Lf", f"{d}/snmpd.log", "-C", "-c", f"{d}/snmpd.conf", "-p",
              f"{d}/snmpd.pid", f"udp:{SERVER}:161"],
        # ngtcp2's example QUIC server: Version Negotiation to our probe.
        443: ["gtlsserver", "-q", SERVER, "443", f"{d}/key.pem",
              f"{d}/cert.pem"],
        500: ["env", f"STRONGSWAN_CONF={d}/strongswan.conf",
              "/usr/lib/ipsec/charon"],
        1900: ["minissdpd", "-d", "-i", "vd", "-s", f"{d}/minissdpd.sock"],
        4433: ["openssl", "s_server", "-dtls", "-listen", "-accept", f"{SERVER}:4433",
               "-cert", f"{d}/cert.pem", "-key", f"{d}/key.pem", "-quiet"],
        5060: ["kamailio", "-DD", "-E", "-f", f"{d}/kamailio.cfg", "-Y", d,
               "-P", f"{d}/kamailio.pid"],
        # avahi reads /etc/avahi/services: the lab's, bind-mounted in its
        # own mount namespace.
        5351: ["miniupnpd", "-d", "-f", f"{d}/miniupnpd.conf"],
        5353: ["sh", "-c", f"mount --bind {d}/avahi-services /etc/avahi/services"
               f" && exec avahi-daemon -f {d}/avahi.conf --no-drop-root"
               " --no-chroot --no-rlimits"],
        5683: ["coap-server-notls", "-A", SERVER, "-p", "5683"],
        11211: ["memcached", "-u", "root", "-U", "11211", "-p", "0", "-l",
                SERVER],
    }


def link_up():
    for n in (NS_D, NS_S):
        sh("ip", "netns", "add", n)
        sh("ip", "-n", n, "link", "set", "lo", "up")
    sh("ip", "-n", NS_D, "link", "add", "vd", "type", "veth", "peer", "name",
       "vs", "netns", NS_S)
    sh("ip", "-n", NS_D, "addr", "add", f"{SERVER}/24", "dev", "vd")
    sh("ip", "-n", NS_S, "addr", "add", f"{SCANNER}/24", "dev", "vs")
    # miniupnpd's external interface: a veth pair inside the daemons' ns.
    sh("ip", "-n", NS_D, "link", "add", "wan", "type", "veth", "peer", "name",
       "wan2")
    sh("ip", "-n", NS_D, "addr", "add", "198.19.0.7/24", "dev", "wan")
    for dev in ("wan", "wan2"):
        sh("ip", "-n", NS_D, "link", "set", dev, "up")
    for n, dev in ((NS_D, "vd"), (NS_S, "vs")):
        # No IPv6 on the link: no router solicitations in the captures.
        sh("ip", "netns", "exec", n, "sysctl", "-qw",
           f"net.ipv6.conf.{dev}.disable_ipv6=1")
        sh("ip", "-n", n, "link", "set", dev, "up")


def mac(ns, dev):
    out = sh("ip", "-n", ns, "-j", "link", "show", dev, capture_output=True)
    return json.loads(out.stdout)[0]["address"]


def listening(ports, timeout=25.0):
    """Waits until every port has a UDP socket in the daemons' namespace."""
    end = time.time() + timeout
    while True:
        out = sh("ip", "netns", "exec", NS_D, "ss", "-Hulnp",
                 capture_output=True, text=True).stdout
        bound = {int(line.split()[3].rsplit(":", 1)[1]) for line in out.splitlines()}
        missing = [p for p in ports if p not in bound]
        if not missing:
            return
        if time.time() > end:
            raise RuntimeError(f"UDP ports {missing} did not open")
        time.sleep(0.2)


def wait_log(path, text, timeout=20.0):
    """Waits until a daemon's log says `text` (avahi answers only after it
    has probed its host name, a second or two after binding 5353)."""
    end = time.time() + timeout
    while time.time() < end:
        with open(path, "rb") as f:
            if text.encode() in f.read():
                return
        time.sleep(0.1)
    raise RuntimeError(f"{path}: no {text!r}")


def submit_ssdp_service(path):
    """minissdpd answers M-SEARCH for the services submitted to it (type 4)."""
    def field(text):
        raw = text.encode()
        return bytes([len(raw)]) + raw  # lengths < 128: one byte
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    for _ in range(50):
        try:
            s.connect(path)
            break
        except OSError:
            time.sleep(0.1)
    st = "urn:schemas-upnp-org:device:InternetGatewayDevice:1"
    s.sendall(bytes([4]) + field(st) + field(f"uuid:zon-udp-lab::{st}") +
              field("Debian/12 UPnP/1.1 MiniUPnPd/2.3.3") +
              field(f"http://{SERVER}:5000/rootDesc.xml"))
    time.sleep(0.2)
    s.close()


def version(package):
    r = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", package],
                       capture_output=True, text=True)
    return r.stdout


def main():
    d = tempfile.mkdtemp(prefix=f"h16u-udplab-{PID}-")
    procs = []
    try:
        link_up()
        for port, argv in configs(d).items():
            log = open(f"{d}/{port}.log", "wb")
            procs.append(subprocess.Popen(
                ["ip", "netns", "exec", NS_D, "unshare", "-m", "--propagation",
                 "private", "sh", "-c", PRIVATE_RUN, "sh", *argv],
                stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True))
        listening(list(PACKAGES))
        wait_log(f"{d}/5353.log", "Server startup complete")
        submit_ssdp_service(f"{d}/minissdpd.sock")
        print(json.dumps({
            "daemonNs": NS_D, "scanNs": NS_S, "server": SERVER,
            "scannerIp": SCANNER, "adapter": "vs", "adapterIp": ZON_IP,
            "adapterMac": mac(NS_S, "vs"), "routerMac": mac(NS_D, "vd"),
            "ports": list(PACKAGES),
            "snmpEngineId": "80001f8804" + SNMP_ENGINE.encode().hex(),
            "packages": {str(p): {"package": pkg, "version": version(pkg)}
                         for p, pkg in PACKAGES.items()},
        }), flush=True)
        sys.stdin.read()
    finally:
        stop_process_groups(procs, 5)
        for n in (NS_D, NS_S):
            subprocess.run(["ip", "netns", "del", n], capture_output=True)
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
