import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodeApi } from './api';
import { NodeError } from '../errors';

let server: Server;
let base = '';
const seen: Array<{ url: string; auth?: string; body: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ url: req.url!, auth: req.headers.authorization, body });
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.url === '/api/status') return json(200, { state: 'unclaimed', owner: null, version: '0.1.0-dev', endpoint: 'http://x', signaling: { url: '/ws/signal', connected: 2 }, uptime: 5 });
      if (req.url === '/api/certificates/abc') return json(404, { error: 'CERTIFICATE_NOT_FOUND', details: 'No certificate has fingerprint abc.' });
      if (req.url === '/api/issue-certificate') return req.headers.authorization ? json(403, { error: 'NODE_CANNOT_ISSUE', details: 'This node has no CA certificate yet.' }) : json(401, { error: 'UNAUTHORIZED' });
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('Not Found');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('NodeApi', () => {
  test('reads the node status', async () => {
    const status = await new NodeApi(base).status();
    expect(status.state).toBe('unclaimed');
    expect(status.signaling.connected).toBe(2);
  });

  test("a node's JSON error keeps its code and shows its details", async () => {
    const error = (await new NodeApi(base).certificate('abc').catch((e) => e)) as NodeError;
    expect(error.code).toBe('CERTIFICATE_NOT_FOUND');
    expect(error.status).toBe(404);
    expect(error.message).toBe('No certificate has fingerprint abc.');
  });

  test('an endpoint the node does not have reads as not available', async () => {
    const error = (await new NodeApi(base).mesh().catch((e) => e)) as NodeError;
    expect(error.code).toBe('NOT_AVAILABLE');
    expect(error.message).toMatch(/not available on this node/);
  });

  test('owner calls carry the bearer token and post JSON', async () => {
    await new NodeApi(base).withToken('tok').issueCertificate('CSR', { callsign: 'N0CALL', licenseClass: 'general', reference: 'ULS' }).catch(() => undefined);
    const call = seen.find((s) => s.url === '/api/issue-certificate' && s.auth);
    expect(call?.auth).toBe('Bearer tok');
    expect(JSON.parse(call!.body)).toEqual({ csr: 'CSR', proofOfLicense: { callsign: 'N0CALL', licenseClass: 'general', reference: 'ULS' } });
  });

  test('an unreachable node reads as a network error', async () => {
    const error = (await new NodeApi('http://127.0.0.1:9').status().catch((e) => e)) as NodeError;
    expect(error.code).toBe('NETWORK');
    expect(error.message).toMatch(/cannot be reached/);
  });
});
