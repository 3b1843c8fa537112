// Shared set-up for the browser tests: the real mesh-node daemon on 127.0.0.1, the built app, and
// Debian's chromium driven by playwright-core (no browser download).
import { spawn, execFileSync } from 'node:child_process';
import { createServer, request } from 'node:http';
import { connect as connectTcp, createServer as createTcpServer } from 'node:net';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const pwaDir = resolve(here, '..');
export const repoDir = resolve(pwaDir, '..');
export const resultsDir = join(pwaDir, 'test-results');
const distDir = join(pwaDir, 'dist');
const nodeDll = process.env.MESH_NODE_DLL ?? join(repoDir, 'src/Mesh.Node/bin/Release/net10.0/mesh-node.dll');

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createTcpServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function waitFor(url, timeoutMs, isProcessAlive) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isProcessAlive()) throw new Error('mesh-node exited during start-up');
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/** Starts the real daemon with a fresh data directory; the build comes from `dotnet build src/Mesh.Node -c Release`. */
export async function startNode() {
  if (!existsSync(nodeDll)) {
    execFileSync('dotnet', ['build', join(repoDir, 'src/Mesh.Node'), '-c', 'Release', '-nologo', '-v', 'q'], { stdio: 'inherit' });
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'mesh-pwa-e2e-node-'));
  const port = await freePort();
  const child = spawn('dotnet', [nodeDll, '--port', String(port), '--bind', '127.0.0.1', '--host', '127.0.0.1', '--akka-port', '0', '--ops-port', '0', '--no-mdns', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (chunk) => (log += chunk));
  child.stderr.on('data', (chunk) => (log += chunk));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${url}/readyz`, 30_000, () => child.exitCode === null);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${error.message}\n${log}`);
  }
  return {
    url,
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const contentTypes = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.webmanifest': 'application/manifest+json',
};

/**
 * The origin the browser loads the app from. When the node serves the PWA at / that is the node itself;
 * until then a small server on 127.0.0.1 serves dist/ and forwards /api and /ws to the node, so the app
 * still meets the node at its own origin as it will in production.
 */
export async function appOrigin(node) {
  if (!existsSync(join(distDir, 'index.html'))) throw new Error('pwa/dist is missing: run `npm run build` in pwa/ first');
  const root = await fetch(`${node.url}/`).catch(() => null);
  if (root?.ok && (root.headers.get('content-type') ?? '').includes('text/html')) return { url: node.url, stop: async () => {} };

  const target = new URL(node.url);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (/^\/(api|ws|healthz|readyz|metrics)(\/|$)/.test(path)) {
      const upstream = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (reply) => {
        res.writeHead(reply.statusCode, reply.headers);
        reply.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
      return;
    }
    let file = normalize(join(distDir, path));
    if (!file.startsWith(distDir) || !existsSync(file) || statSync(file).isDirectory()) file = join(distDir, 'index.html');
    const immutable = file.includes(`${join(distDir, 'assets')}/`);
    res.writeHead(200, { 'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream', 'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache' });
    res.end(readFileSync(file));
  });
  server.on('upgrade', (req, socket, head) => {
    const upstream = connectTcp(Number(target.port), target.hostname, () => {
      const headers = Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`).join('\r\n');
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  const port = await freePort();
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Host candidates as plain addresses: nothing answers mDNS inside the test's network namespace.
      '--disable-features=WebRtcHideLocalIpsWithMdns',
    ],
  });
}

export async function screenshot(page, name) {
  mkdirSync(resultsDir, { recursive: true });
  await page.screenshot({ path: join(resultsDir, `${name}.png`), fullPage: true });
}
