// npm run test:e2e: runs the browser tests inside a fresh network namespace, so the node, the browser
// and WebRTC reach nothing outside it. Chromium gathers no ICE candidate on loopback alone, so the
// namespace also gets a veth pair holding a documentation address (192.0.2.10) that exists only inside it.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tests = readdirSync(here).filter((name) => name.endsWith('.test.mjs')).map((name) => join(here, name));
const testCommand = [process.execPath, '--test', '--test-concurrency=1', ...tests];

if (process.env.MESH_E2E_NETNS === 'inside') {
  const result = spawnSync(testCommand[0], testCommand.slice(1), { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

const script = [
  'ip link set lo up',
  'ip link add mesh0 type veth peer name mesh1',
  'ip addr add 192.0.2.10/24 dev mesh0',
  'ip link set mesh1 up',
  'ip link set mesh0 up',
  'ip route add default dev mesh0',
  'exec "$@"',
].join(' && ');
const result = spawnSync('unshare', ['--net', '--', 'sh', '-c', script, 'sh', ...testCommand], {
  stdio: 'inherit',
  env: { ...process.env, MESH_E2E_NETNS: 'inside' },
});
if (result.error) console.error(`The browser tests need a private network namespace (unshare --net and ip, as root): ${result.error.message}`);
process.exit(result.status ?? 1);
