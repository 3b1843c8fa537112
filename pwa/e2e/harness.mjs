// Shared set-up for the browser tests: the real mesh-node daemon on 127.0.0.1, the built app, and
// Debian's chromium driven by playwright-core (no browser download).
import { spawn, execFileSync } from 'node:child_process';
import { createServer as createTcpServer } from 'node:net';
import { existsSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const pwaDir = resolve(here, '..');
export const repoDir = resolve(pwaDir, '..');
export const resultsDir = join(pwaDir, 'test-results');
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

/** The node serves the app at / from wwwroot/ beside its binary, which the Release build fills from pwa/dist. */
export async function assertNodeServesApp(node) {
  const root = await fetch(`${node.url}/`);
  const type = root.headers.get('content-type') ?? '';
  if (!root.ok || !type.includes('text/html')) {
    throw new Error(`${node.url}/ did not serve the app (${root.status} ${type}); build it with: dotnet build src/Mesh.Node -c Release`);
  }
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
