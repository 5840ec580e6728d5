/**
 * The scanner's `--help` text.
 *
 * @module
 */

/** What `--help` prints: every option, grouped, with examples. */
export const HELP =
  `zon scan — a masscan-compatible stateless scanner (examples/scan.ts)

usage: deno run -A examples/scan.ts [options] TARGET...

Targets are IPv4 or IPv6 addresses, first-last ranges, or CIDR blocks
(198.18.0.1, 198.18.0.0-198.18.0.255, 198.18.0.0/24, 2001:2::/120).

what to scan
  -p, --ports LIST        ports: 80,443,8000-8100; U: for UDP, T: for TCP
                          (U:53,161,T:80 is UDP 53 and 161, TCP 80). Default 80
      --ping              ICMP echo probes
      --range ITEMS       more targets, comma-separated (repeatable)
  -iL, --includefile F    read targets from file F (one or more per line, # comments)
      --exclude ITEMS     skip these targets, comma-separated (repeatable)
      --excludefile F     read targets to skip from file F
      --allow-large-scan  scan more than a /8 worth of addresses without an exclude
  Reserved and special-use ranges (RFC 1918, loopback, multicast, 198.18.0.0/15,
  ...) are skipped unless a target lies inside one; the scanner says which.

how
      --rate N            packets per second (default 100)
      --max-rate N        upper bound for --rate
      --retries N         send N more probes per target (N+1 in all; default 0)
      --tx-workers N|auto transmit Workers, each at rate/N (default 1; auto:
                          one per core left after the receive Worker, ≤ 8)
      --wait N            seconds to wait for replies after the last probe (default 10)
      --ttl N             IP TTL / hop limit of probes (default 64)
      --source-port N[-M] source port, or a range
      --seed N            permutation seed (same seed, same order as masscan)
      --shard X/Y         scan only shard X of Y (for splitting a scan over machines)
  -e, --adapter NAME      interface, with a driver prefix: pcap: (default), ring:
                          (AF_PACKET mmap rings), zc: (PF_RING), netmap:, file:PATH, null
      --adapter-ip IP     source address (one the kernel does not own avoids kernel RSTs:
                          zon answers ARP for it)
      --adapter-mac MAC, --router-mac MAC, --router-mac-ipv6 MAC, --router-ip IP
      --banners           grab banners with zon's user-mode TCP stack; name the
                          service of each UDP reply (DNS, NTP, SNMP, TFTP, ...)
      --connection-timeout N, --hello-file PORT:FILE, --http-user-agent S, --http-header H

output
  -oJ F  -oD F  -oL F  -oX F  -oG F
                          JSON array, NDJSON, masscan list, nmap XML, grepable (F = - for stdout)
      --show closed       also report closed ports
      --append-output     keep what the output files hold and add to it (the default on
                          --resume); otherwise an existing file is overwritten, with a warning
      --pcap F            write every received frame to pcap file F (.pcapng: pcapng)
      --status, --no-status
                          force the once-a-second status line on or off (default: on a TTY)

modes
  -sL                     list scan: print each target in scan order, send nothing
      --offline           run the transmit pipeline into the null driver (sends nothing)
      --stats             with --offline: print packets/s and ns per stage as JSON
      --lab               build the built-in lab (network namespaces), scan it, compare
  -c, --conf F            read options from F (masscan's "key = value" format)
      --echo              print the configuration in that format and exit
      --resume F          continue a scan from the paused.conf written on Ctrl-C
      --debug             show the stack trace of an internal error (also ZON_DEBUG=1)

beyond one machine (README: "Beyond one machine")
      --emit slurm|k8s    print a Slurm job-array script or a Kubernetes Indexed Job that
                          runs the scan as --shards N shards (same seed everywhere), each
                          writing -oD into --output-dir; options --parallelism P,
                          --job-name, --exec-prefix CMD, --deno PATH, --program PATH, --image
      --merge DIR|F...    merge the shards' -oD outputs into -oJ/-oD/-oL/-oX/-oG files: refuses
                          shards of different scans, prints the command that resumes or reruns
                          each missing or interrupted shard, exits 0 only when covered
  -h, --help              this text

examples:
  # the order masscan would scan 198.18.0.0/24 on ports 80 and 443, seed 7
  deno run -A examples/scan.ts -sL 198.18.0.0/24 -p 80,443 --seed 7
  # the second of three shards, excluding a subnet
  deno run -A examples/scan.ts -sL 198.18.0.0/16 --exclude 198.18.5.0/24 --shard 2/3
  # a SYN scan through AF_PACKET rings at 100 kpps, results as NDJSON
  deno run -A examples/scan.ts 198.18.0.0/24 -p 1-1024 -e ring:veth0 --rate 100000 -oD -
  # the built-in lab
  deno run -A examples/scan.ts --lab
`;
