// The real-daemon lab: Debian's Redis, memcached, Mosquitto, MariaDB,
// PostgreSQL, OpenSSH, nginx (HTTP and HTTPS), vsftpd, Exim, Dovecot (POP3,
// IMAP and their TLS ports), dnsmasq, inetutils-telnetd, Samba, xrdp,
// TigerVNC and a TLS-1.3-only `openssl s_server`, started
// by tests/helpers/record_banners.py inside a network namespace of its own
// (generated configs, a certificate generated for the run, everything
// removed afterwards). It records each daemon's reply to zon's hellos,
// runs `nmap -sV` against the same daemons as the oracle, and runs
// tests/helpers/starttls_probe.ts (STARTTLS dialogues, then TLS 1.3 or 1.2)
// against every TLS port.
//
// Checks: zon's decoders name every service, product and version as nmap
// does (where nmap names them); every certificate — direct TLS 1.2, TLS
// 1.3-only, and the five STARTTLS ones — is the one generated for the run.

import assert from "node:assert/strict";
import { DENO } from "./helpers/drivers_netns.ts";
import { identifyRecorded, readNmapXml } from "./helpers/banner_identify.ts";

const RECORDER =
  new URL("./helpers/record_banners.py", import.meta.url).pathname;

/** Recording name -> nmap fields that must agree. */
const AGREE: Record<string, string[]> = {
  redis_info: ["name", "product", "version"],
  redis_noauth: ["name", "product", "version"],
  memcached_stats: ["name", "product", "version"],
  mysql_greeting: ["name", "product", "version"],
  postgres_startup_no_hba: ["name", "product", "version"],
  ssh_greeting: ["name", "product", "version", "extrainfo"],
  http_nginx: ["name", "product", "version"],
  ftp_vsftpd: ["name", "product", "version"],
  smtp_exim: ["name", "product", "version"],
  pop3_dovecot: ["name", "product", "version"],
  imap_dovecot: ["name", "product", "version"],
  dns_dnsmasq: ["name", "product", "version"],
  vnc_tigervnc: ["name", "product", "version", "extrainfo"],
  telnet_inetutils: ["name", "product"],
  rdp_xrdp: ["name", "product"],
  // Samba's ServerGuid is its NetBIOS name: nmap's netbios-ssn / Samba
  // smbd; nmap's version 4.6.2 is a fixed guess from an SMB1 probe's answer,
  // the SMB2 bytes carry no version.
  smb2_samba: ["name", "product"],
};

Deno.test("real-daemon lab: decoders agree with nmap -sV, every certificate is the generated one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "h16d-lab-" });
  try {
    const started = performance.now();
    const out = await new Deno.Command("python3", {
      args: [RECORDER, dir, "--nmap", "--starttls", DENO],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const index = JSON.parse(await Deno.readTextFile(`${dir}/index.json`));
    const nmap = readNmapXml(await Deno.readTextFile(`${dir}/nmap.xml`));
    const rows: string[] = [];
    for (const [name, fields] of Object.entries(AGREE)) {
      const { port } = index[name];
      const ours = identifyRecorded(
        name,
        await Deno.readFile(`${dir}/${name}.bin`),
        port,
      );
      const theirs = nmap.get(port) ?? {};
      const mine: Record<string, string | undefined> = {
        name: ours.name,
        product: ours.product,
        version: ours.version,
        extrainfo: ours.extra,
      };
      rows.push(
        `${String(port).padStart(5)} zon: ${
          [ours.name, ours.product, ours.version].join(" | ")
        }` +
          `   nmap: ${
            [theirs.name, theirs.product, theirs.version].join(" | ")
          }`,
      );
      for (const field of fields) {
        assert.equal(
          mine[field],
          theirs[field],
          `${name} (port ${port}): ${field}`,
        );
      }
    }
    // nmap 7.93's mqtt-subscribe names the service by the broker string.
    const mqtt = identifyRecorded(
      "mqtt_connack",
      await Deno.readFile(`${dir}/mqtt_connack.bin`),
      1883,
    );
    assert.equal(
      `${mqtt.product} version ${mqtt.version}`,
      nmap.get(1883)?.name,
    );
    const tls = JSON.parse(await Deno.readTextFile(`${dir}/starttls.json`));
    assert.equal(tls.length, 9);
    for (const entry of tls) {
      assert.deepEqual(
        entry.tls?.fingerprints,
        [index.certificateSha256],
        `port ${entry.port} ${entry.protocol}`,
      );
      rows.push(
        `${
          String(entry.port).padStart(5)
        } ${entry.protocol}: ${entry.tls.version} ${
          entry.tls.group ?? ""
        } certificate ok`,
      );
    }
    console.log(
      `lab (recording + nmap -sV + TLS probes) took ${seconds} s\n${
        rows.join("\n")
      }`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
