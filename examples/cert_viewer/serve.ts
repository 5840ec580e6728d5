/**
 * Serves the certificate viewer on 127.0.0.1 (never another interface).
 *
 *   deno task viewer [--port N]      (default 8787; 0 picks a free port)
 *
 * At start it runs the npm build (`buildNpm` from scripts/build_npm.ts, the
 * same bundles and purity gate as `deno task build:npm`, without the slow
 * declaration files) into a temporary folder, and serves its `decoders.js`
 * as `/zon/decoders.js`; the page script `viewer.ts` is turned into
 * JavaScript by esbuild (a transform: its one import stays
 * `@zon/net/decoders`, which the page's import map resolves). Everything is
 * held in memory; the page needs no network beyond this server, and its
 * Content-Security-Policy forbids it any connection at all.
 *
 * @module
 */

import * as esbuild from "esbuild";
import { buildNpm } from "../../scripts/build_npm.ts";

const HERE = new URL(".", import.meta.url);
const HOSTNAME = "127.0.0.1";
const DEFAULT_PORT = 8787;
const IMPORT_SPECIFIER = "@zon/net/decoders";

/** A running viewer server. */
export interface Viewer {
  /** `http://127.0.0.1:PORT/` */
  url: string;
  /** Bundle sizes, for the log. */
  bundleBytes: number;
  /** Stops the server. */
  close(): Promise<void>;
}

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  type: string;
}

async function sha256Base64(text: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(text),
  );
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

/** Builds the assets the page loads, keyed by URL path. */
async function buildAssets(): Promise<
  { assets: Map<string, Asset>; csp: string; bundleBytes: number }
> {
  const work = await Deno.makeTempDir({ prefix: "zon-viewer-" });
  let decodersJs: Uint8Array<ArrayBuffer>;
  let packageName: string;
  try {
    const built = await buildNpm({
      outDir: `${work}/dist`,
      types: false,
      log: false,
    });
    packageName = built.name;
    decodersJs = await Deno.readFile(`${built.outDir}/decoders.js`);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
  if (!IMPORT_SPECIFIER.startsWith(`${packageName}/`)) {
    throw new Error(
      `the npm package is ${packageName}; index.html's import map expects ${IMPORT_SPECIFIER}`,
    );
  }
  const html = await Deno.readTextFile(new URL("index.html", HERE));
  if (!html.includes(`"${IMPORT_SPECIFIER}": "/zon/decoders.js"`)) {
    throw new Error(`index.html does not map ${IMPORT_SPECIFIER}`);
  }
  const source = await Deno.readTextFile(new URL("viewer.ts", HERE));
  let viewerJs: string;
  try {
    ({ code: viewerJs } = await esbuild.transform(source, {
      loader: "ts",
      format: "esm",
      target: "es2022",
      sourcefile: "viewer.ts",
    }));
  } finally {
    await esbuild.stop();
  }
  // The import map is the page's only inline script: allow it by hash.
  const importMap = html.match(/<script type="importmap">([\s\S]*?)<\/script>/)
    ?.[1];
  if (importMap === undefined) throw new Error("index.html has no import map");
  const csp = [
    "default-src 'none'",
    // wasm-unsafe-eval: the decoders' WebAssembly (SIMD finder, SHA-256);
    // still no eval of JavaScript.
    `script-src 'self' 'wasm-unsafe-eval' 'sha256-${await sha256Base64(
      importMap,
    )}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
  const encode = (text: string) => new TextEncoder().encode(text);
  const js = "text/javascript; charset=utf-8";
  const assets = new Map<string, Asset>([
    ["/", { body: encode(html), type: "text/html; charset=utf-8" }],
    [
      "/style.css",
      {
        body: await Deno.readFile(new URL("style.css", HERE)),
        type: "text/css; charset=utf-8",
      },
    ],
    ["/viewer.js", { body: encode(viewerJs), type: js }],
    ["/zon/decoders.js", { body: decodersJs, type: js }],
  ]);
  return { assets, csp, bundleBytes: decodersJs.length };
}

/**
 * Builds the assets and starts serving them on 127.0.0.1.
 *
 * @param port TCP port; 0 picks a free one.
 */
export async function startViewer(port = DEFAULT_PORT): Promise<Viewer> {
  const { assets, csp, bundleBytes } = await buildAssets();
  const server = Deno.serve(
    { hostname: HOSTNAME, port, onListen: () => {} },
    (request) => {
      const path = new URL(request.url).pathname;
      const asset = assets.get(path === "/index.html" ? "/" : path);
      if (!asset || (request.method !== "GET" && request.method !== "HEAD")) {
        return new Response("not found", { status: 404 });
      }
      return new Response(request.method === "HEAD" ? null : asset.body, {
        headers: {
          "content-type": asset.type,
          "content-security-policy": csp,
          "x-content-type-options": "nosniff",
          "referrer-policy": "no-referrer",
          "cache-control": "no-store",
        },
      });
    },
  );
  return {
    url: `http://${HOSTNAME}:${server.addr.port}/`,
    bundleBytes,
    close: () => server.shutdown(),
  };
}

function portArgument(args: string[]): number {
  const i = args.findIndex((a) => a === "--port" || a.startsWith("--port="));
  if (i < 0) return DEFAULT_PORT;
  const text = args[i].includes("=") ? args[i].split("=")[1] : args[i + 1];
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port wants 0..65535, not ${text}`);
  }
  return port;
}

if (import.meta.main) {
  const viewer = await startViewer(portArgument(Deno.args));
  console.log(
    `zon certificate viewer: ${viewer.url}  (decoders.js ${
      (viewer.bundleBytes / 1024).toFixed(1)
    } KiB; Ctrl-C stops)`,
  );
}
