// The scanner against real Debian daemons (h16s): tests/helpers/
// record_banners.py --serve starts Redis (open and with a password),
// memcached, Mosquitto, MariaDB, PostgreSQL, OpenSSH, nginx (HTTP and
// HTTPS), vsftpd, Exim, Dovecot (POP3, IMAP, 993, 995), dnsmasq, telnetd,
// Samba, xrdp, TigerVNC and a TLS-1.3-only `openssl s_server`, each from a
// generated config inside a namespace of their own, with a certificate
// generated for the run; and a scanner namespace linked to it by a veth.
// `examples/scan.ts --banners` scans them from an address its kernel does
// not own; `nmap -sV` from the scanner kernel is the oracle.
//
// Checks: every port has a banner; every service name agrees with nmap's,
// tunnel included (nmap's imaps/pop3s are zon's imap/pop3 inside TLS:
// sameName), except the differences listed in NOT_COMPARED with why;
// product, version and extrainfo agree where nmap gives them (AGREE);
// direct-TLS ports name the protocol inside the tunnel (INSIDE); Samba's
// ServerGuid is its NetBIOS name; every certificate — direct TLS 1.2 (nginx),
// TLS 1.3 (Dovecot 993/995, the 1.3-only s_server) and STARTTLS (SMTP,
// POP3, IMAP, FTP, PostgreSQL) — is the generated one; the scanner kernel
// sent no RST; -oX validates against nmap.dtd and carries nmap's
// <service> attributes.
//
// This lab starts its own daemons (the same machinery as
// tests/banners_daemons_lab_test.ts, not shared with it: that test records
// from inside the daemons' namespace). Needs root, the daemons' packages
// (record_banners.py PACKAGES), nmap, xmllint.

import assert from "node:assert/strict";
import {
  type PortFacts,
  runNmap,
  runZon,
  sameName,
  startDaemonLab,
} from "./helpers/daemons_scan_lab.ts";
import { run } from "./helpers/command.ts";

/** Port -> nmap fields zon must give the same (beyond the name). */
const AGREE: Record<number, Array<keyof PortFacts>> = {
  // nmap's ssl/http nginx: the HTTP hello inside the TLS 1.2 tunnel.
  443: ["product", "version"],
  // Samba by its ServerGuid; nmap's version (4.6.2) is a fixed guess from
  // an SMB1 answer, the SMB2 bytes carry none.
  445: ["product"],
  // xrdp: the Disconnect Provider Ultimatum after an out-of-turn request.
  3389: ["product"],
  21: ["product", "version"],
  22: ["product", "version", "extrainfo"],
  25: ["product", "version"],
  53: ["product", "version"],
  80: ["product", "version"],
  110: ["product", "version"],
  143: ["product", "version"],
  3306: ["product", "version"],
  // "9.6.0 or later": the ErrorResponse's V field, read inside the tunnel.
  5432: ["product", "version"],
  5901: ["product", "version", "extrainfo"],
  6379: ["product", "version"],
  6380: ["product", "version"],
  11211: ["product", "version"],
};

/** Ports whose nmap name differs from zon's on purpose, and why. */
const NOT_COMPARED: Record<number, string> = {
  // `openssl s_server` sends nothing inside its tunnel: zon says ssl
  // (tunnel ssl). nmap (not run on it here, ~170 s of probes) ends with
  // "vop", its port table's name for 4433: zon never names a port from
  // its number.
  4433: "silent tunnel",
  // nmap 7.93's mqtt-subscribe script overwrites the service name with the
  // broker's string ("mosquitto version 2.0.11"); zon keeps nmap's own
  // probe-match form: name mqtt, product mosquitto, version 2.0.11.
  1883: "mqtt script",
};

/** Direct-TLS ports: the service zon names inside the tunnel. */
const INSIDE: Record<number, [string, string]> = {
  443: ["http", "nginx"],
  993: ["imap", "Dovecot imapd"],
  995: ["pop3", "Dovecot pop3d"],
};

/** Ports whose certificate zon must fetch, and how. */
const CERTIFICATES: Record<number, string> = {
  21: "ftp",
  25: "smtp",
  110: "pop3",
  143: "imap",
  443: "direct",
  993: "direct",
  995: "direct",
  4433: "direct",
  5432: "postgresql",
};

Deno.test({
  name:
    "scan --banners against real daemons: names, products, versions as nmap -sV; every certificate (TLS 1.2, 1.3, STARTTLS); no kernel RSTs; -oX valid",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const dir = await Deno.makeTempDir({ prefix: "h16s-daemons-" });
  const lab = await startDaemonLab();
  try {
    const zon = await runZon(lab, `${dir}/zon.xml`);
    // nmap spends ~170 s on the s_server port (4433: every probe waits out
    // its timeout) and ~55 s on telnet; 4433 is checked by its certificate.
    const nmap = await runNmap(lab, `${dir}/nmap.xml`, {
      ports: lab.ports.filter((p) => p !== 4433),
    });
    const rows: string[] = [];
    const show = (f?: PortFacts) =>
      f ? [f.name, f.product, f.version].filter((x) => x).join(" | ") : "-";
    for (const port of lab.ports) {
      const ours = zon.ports.get(port);
      const theirs = nmap.ports.get(port);
      rows.push(
        `${String(port).padStart(5)} zon: ${show(ours)}${
          ours?.via ? ` [${ours.tlsVersion} ${ours.via}]` : ""
        }   nmap: ${show(theirs)}${theirs?.tunnel ? " (ssl)" : ""}`,
      );
    }
    const table = rows.join("\n");
    console.log(
      `zon ${zon.seconds.toFixed(1)} s, nmap -sV ${
        nmap.seconds.toFixed(1)
      } s\n${table}`,
    );
    for (const port of lab.ports) {
      const ours = zon.ports.get(port);
      const theirs = nmap.ports.get(port);
      assert.ok(ours, `port ${port}: no banner\n${table}\n${zon.stderr}`);
      if (port === 4433) {
        assert.equal(ours.via, "direct", `${port}: zon read TLS`);
        assert.equal(ours.name, "ssl", `${port}: nothing inside`);
        assert.equal(ours.tunnel, "ssl", `${port}: tunnel`);
        continue;
      }
      assert.ok(theirs, `port ${port}: nmap has no service\n${table}`);
      if (NOT_COMPARED[port] === "mqtt script") {
        assert.equal(`${ours.product} version ${ours.version}`, theirs.name);
      } else {
        assert.ok(
          sameName(ours, theirs),
          `${port}: name ${ours.name}/${ours.tunnel} vs nmap ${theirs.name}/${theirs.tunnel}\n${table}`,
        );
      }
      if (INSIDE[port]) {
        assert.equal(ours.via, "direct", `${port}: direct TLS`);
        assert.deepEqual(
          [ours.name, ours.product, ours.tunnel],
          [...INSIDE[port], "ssl"],
          `${port}: inside the tunnel\n${table}`,
        );
      }
      for (const field of AGREE[port] ?? []) {
        assert.equal(ours[field], theirs[field], `${port}: ${field}\n${table}`);
      }
    }
    for (const [port, via] of Object.entries(CERTIFICATES)) {
      const ours = zon.ports.get(Number(port))!;
      assert.equal(ours.via, via, `${port}: TLS via`);
      assert.deepEqual(
        ours.certificates,
        [lab.certificateSha256],
        `${port}: certificate`,
      );
    }
    // The 1.3-only server and STARTTLS ports went TLS 1.3; nginx stayed 1.2.
    assert.equal(zon.ports.get(4433)!.tlsVersion, "TLS 1.3");
    assert.equal(zon.ports.get(443)!.tlsVersion, "TLS 1.2");
    // Samba's ServerGuid is the lab's `netbios name = zonsamba`, lower case.
    assert.match(zon.ports.get(445)!.banner ?? "", /zonsamba(\\x00){8}/);
    assert.equal(zon.kernelResets, 0, "the scanner kernel sent RSTs");
    await run([
      "xmllint",
      "--noout",
      "--dtdvalid",
      "/usr/share/nmap/nmap.dtd",
      `${dir}/zon.xml`,
    ]);
    const xml = await Deno.readTextFile(`${dir}/zon.xml`);
    assert.match(
      xml,
      /<port protocol="tcp" portid="22">.*?<service name="ssh" product="OpenSSH" version="[^"]+" extrainfo="protocol 2\.0" method="probed" conf="10"\/>/s,
    );
    assert.match(
      xml,
      /<port protocol="tcp" portid="443">.*?<service name="http" product="nginx" version="1\.22\.1" tunnel="ssl" method="probed" conf="10"\/>/s,
    );
  } finally {
    await lab.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
