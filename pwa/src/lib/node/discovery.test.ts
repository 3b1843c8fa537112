import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { discoverNodes, IndexedDbNodeStore, normalizeNodeUrl, signalingUrlFor } from './discovery';

const servers: Server[] = [];

async function startNode(callsign: string | null, localServers: object[] | null): Promise<string> {
  const server = createServer((req, res) => {
    if (req.url === '/api/info') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ type: 'mesh-node', version: '0.1.0', capabilities: ['signaling'], callsign, signalingUrl: '/ws/signal', nodeId: `id-${callsign}` }));
    }
    if (req.url === '/api/local-servers' && localServers) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ servers: localServers }));
    }
    res.writeHead(404);
    res.end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterAll(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

describe('normalizeNodeUrl', () => {
  test('adds http to a bare host and port and drops any path', () => {
    expect(normalizeNodeUrl(' node.local:8080/some/page ')).toBe('http://node.local:8080');
  });
  test('turns ws and wss into http and https', () => {
    expect(normalizeNodeUrl('ws://10.0.0.5:8080/ws/signal')).toBe('http://10.0.0.5:8080');
    expect(normalizeNodeUrl('wss://node.example')).toBe('https://node.example');
  });
  test('refuses what is not an address with a sentence', () => {
    expect(() => normalizeNodeUrl('')).toThrow(/Type the address/);
    expect(() => normalizeNodeUrl('ftp://x')).toThrow(/not an http address/);
  });
});

describe('signalingUrlFor', () => {
  test('resolves a path against the node and switches to ws', () => {
    expect(signalingUrlFor('http://127.0.0.1:8080', '/ws/signal')).toBe('ws://127.0.0.1:8080/ws/signal');
    expect(signalingUrlFor('https://node.example')).toBe('wss://node.example/ws/signal');
  });
  test('replaces a wildcard host the node advertises with the address the browser used', () => {
    expect(signalingUrlFor('http://192.168.1.4:8080', 'ws://0.0.0.0:8080/ws/signal')).toBe('ws://192.168.1.4:8080/ws/signal');
  });
});

describe('discoverNodes', () => {
  let origin = '';
  let remembered = '';
  let unreachable = '';
  let store: IndexedDbNodeStore;

  beforeAll(async () => {
    remembered = await startNode('K1REM', null);
    origin = await startNode('W1AW', [{ callsign: 'N0LAN', endpoint: 'http://192.0.2.7:8080', capabilities: ['signaling'] }, { callsign: 'BAD', endpoint: 'not a url at all' }]);
    unreachable = 'http://127.0.0.1:9';
    store = new IndexedDbNodeStore(`test-${Math.random()}`);
    await store.remember({ url: remembered, callsign: 'K1REM', lastSeen: 1, source: 'manual' });
    await store.remember({ url: unreachable, callsign: 'GONE', lastSeen: 2, source: 'manual' });
  });

  test('lists the own origin first, then known nodes, then what the origin sees on its LAN', async () => {
    const found = await discoverNodes({ origin, store, now: () => 1000 });
    expect(found.map((n) => [n.callsign, n.source, n.reachable])).toEqual([
      ['W1AW', 'same-origin', true],
      ['N0LAN', 'local-network', null],
      ['GONE', 'manual', false],
      ['K1REM', 'manual', true],
    ]);
  });

  test('remembers reachable nodes in IndexedDB with when they were seen', async () => {
    await discoverNodes({ origin, store, now: () => 5000 });
    const known = await store.list();
    const self = known.find((n) => n.url === origin);
    expect(self).toMatchObject({ callsign: 'W1AW', lastSeen: 5000, nodeId: 'id-W1AW' });
    expect(known.find((n) => n.url === unreachable)?.lastSeen).toBe(2);
  });

  test('forgotten nodes are not probed again', async () => {
    await store.forget(unreachable);
    const found = await discoverNodes({ origin: null, store });
    expect(found.some((n) => n.url === unreachable)).toBe(false);
  });
});
