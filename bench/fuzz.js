'use strict';
// R1: hostile input on every /ws/signal and /ws/coordinate message type and every HTTP endpoint of a real mesh-node.
// Starts the Release node (hocon/bench.hocon, so the rate limiter does not answer for the parser),
// sends N mutated messages over a few connections, each of which must be answered with exactly one
// frame (an ERROR, or PEERS for a valid LIST_PEERS) on a connection that stays open; then throws
// random requests at the HTTP API, none of which may get a 5xx; then checks the node is still ready
// and holds no connection it was given. Prints the figures; exits non-zero on any breach.
// /ws/coordinate gets its own share of mutated node-to-node messages, each answered by one ERROR or SYNC_RESULT.
// Usage: node bench/fuzz.js [--cases 100000] [--connections 20] [--http 3000] [--coordinate 5000] [--seed 1]
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const WebSocket = require('ws');

const repo = path.resolve(__dirname, '..');
const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : fallback);
const cases = Number(option('cases', 100000));
const connections = Number(option('connections', 20));
const httpCases = Number(option('http', 3000));
const coordinateCases = Number(option('coordinate', 5000));
let seed = Number(option('seed', 1));

// A small deterministic generator, so a breach can be replayed with the same --seed.
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (items) => items[Math.floor(random() * items.length)];
const junk = (length) => Array.from({ length }, () => String.fromCharCode(32 + Math.floor(random() * 95))).join('');
const hostileStrings = () => pick(['', ' ', 'GUEST', 'W1AW', '\u0000', '\ud83d\udce1'.repeat(50), '../../etc/passwd', '<script>', "' OR 1=1 --",
  junk(8), junk(200), 'x'.repeat(70000), '9'.repeat(400)]);
const hostileValue = () => pick([null, true, 0, -1, 1e308, 3.5, [], {}, [[[[]]]], { a: { b: { c: {} } } }, hostileStrings()]);

const valid = () => pick([
  { type: 'REGISTER', callsign: 'GUEST' },
  { type: 'REGISTER', callsign: 'GUEST', peerEvents: false },
  { type: 'OFFER', target: 'nobody-0000', offer: { type: 'offer', sdp: 'v=0\r\n' } },
  { type: 'ANSWER', target: 'nobody-0000', answer: { type: 'answer', sdp: 'v=0\r\n' } },
  { type: 'ICE_CANDIDATE', target: 'nobody-0000', candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMLineIndex: 0, sdpMid: '0' } },
  { type: 'LIST_PEERS' },
]);

const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const validCoordinate = () => pick([
  { type: 'PEER_ANNOUNCE', server: { callsign: 'W1AW', endpoint: 'http://127.0.0.1:9', capabilities: ['signaling'] } },
  { type: 'CERT_SYNC', certificates: [{ fingerprint: 'a'.repeat(64), certificate: pem, chain: [pem] }] },
  { type: 'BLACKLIST_UPDATE', blacklist: [{ fingerprint: 'b'.repeat(64), reason: 'x', timestamp: '2026-11-26T12:00:00Z', signer: { certificate: pem, chain: [] }, signature: 'AAAA' }] },
  { type: 'CONTENT_SYNC', catalog: { entries: [] } },
]);

/** One hostile frame: a valid message mutated, or something that is not a message at all. */
function mutate(make = valid) {
  const message = make();
  const keys = Object.keys(message);
  switch (Math.floor(random() * 9)) {
    case 0: delete message[pick(keys)]; break;
    case 1: message[pick(keys)] = hostileValue(); break;
    case 2: message[junk(5)] = hostileValue(); message.type = hostileStrings(); break;
    case 3: for (const key of keys) if (typeof message[key] === 'object') message[key] = { ...message[key], [pick(['type', 'sdp', 'candidate', 'sdpMid'])]: hostileValue() }; break;
    case 4: return { text: JSON.stringify(message).slice(0, Math.floor(random() * 30)) };
    case 5: return { text: '['.repeat(1 + Math.floor(random() * 200)) };
    case 6: return { binary: Buffer.from(junk(1 + Math.floor(random() * 100))) };
    case 7: return { text: JSON.stringify({ ...message, padding: 'p'.repeat(60000 + Math.floor(random() * 20000)) }) };
    default: break;
  }
  return { text: JSON.stringify(message) };
}

async function startNode() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-fuzz-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const binary = path.join(repo, 'src/Mesh.Node/bin/Release/net10.0/mesh-node');
  const child = spawn(binary, ['--config', path.join(repo, 'hocon/bench.hocon'), '--port', String(port), '--akka-port', '0',
    '--ops-port', '0', '--bind', '127.0.0.1', '--host', '127.0.0.1', '--data-dir', dataDir, '--no-mdns'], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try { if ((await fetch(`${base}/readyz`)).ok) return { child, base, port }; } catch { /* not yet */ }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error('mesh-node did not become ready in 30 s');
}

/** An open WebSocket and `next(ms)`: the next JSON frame it received, or null after ms milliseconds. */
async function open(url, maxPayload) {
  const socket = new WebSocket(url, { maxPayload });
  const frames = [];
  let waiting = null;
  socket.on('message', (data) => { frames.push(JSON.parse(data.toString())); if (waiting) waiting(); });
  await new Promise((resolve, reject) => { socket.once('open', resolve); socket.once('error', reject); });
  const next = (ms) => new Promise((resolve) => {
    if (frames.length) return resolve(frames.shift());
    const timer = setTimeout(() => { waiting = null; resolve(null); }, ms);
    waiting = () => { clearTimeout(timer); waiting = null; resolve(frames.shift()); };
  });
  return { socket, next };
}

/** Sends its share of cases one at a time; every case must be answered by exactly one frame. */
async function fuzzConnection(url, count, tally) {
  const { socket, next } = await open(url, 1 << 20);
  await next(5000); // HELLO
  socket.send(JSON.stringify({ type: 'REGISTER', callsign: 'GUEST' }));
  if ((await next(5000))?.type !== 'REGISTERED') throw new Error('REGISTER was not answered');
  for (let i = 0; i < count; i++) {
    const frame = mutate();
    socket.send(frame.binary ?? frame.text, { binary: Boolean(frame.binary) });
    let reply = await next(5000);
    while (reply && (reply.type === 'PEER_JOINED' || reply.type === 'PEER_LEFT')) reply = await next(5000);
    if (!reply) { tally.unanswered.push(frame.text?.slice(0, 120) ?? '<binary>'); continue; }
    tally.sent++;
    if (reply.type === 'ERROR') tally.errors[reply.error] = (tally.errors[reply.error] ?? 0) + 1;
    else tally.errors[`(${reply.type})`] = (tally.errors[`(${reply.type})`] ?? 0) + 1;
    if (socket.readyState !== WebSocket.OPEN) { tally.closed++; break; }
  }
  socket.close();
}

/** Node-to-node messages, one at a time; each must be answered by exactly one ERROR or SYNC_RESULT. */
async function fuzzCoordinate(url, count, tally) {
  const { socket, next } = await open(url, 8 << 20);
  const announce = await next(5000);
  if (announce?.type !== 'PEER_ANNOUNCE') throw new Error('/ws/coordinate did not announce the node');
  for (let i = 0; i < count; i++) {
    const frame = mutate(validCoordinate);
    socket.send(frame.binary ?? frame.text, { binary: Boolean(frame.binary) });
    const reply = await next(10000);
    if (!reply) { tally.unanswered.push(frame.text?.slice(0, 120) ?? '<binary>'); continue; }
    tally.sent++;
    const key = reply.type === 'ERROR' ? reply.error : `(${reply.type} ${reply.of})`;
    tally.errors[key] = (tally.errors[key] ?? 0) + 1;
    if (socket.readyState !== WebSocket.OPEN) { tally.closed++; break; }
  }
  socket.close();
}

async function fuzzHttp(base, count) {
  const paths = ['/api/status', '/api/info', '/api/claim-challenge', '/api/claim-station', '/api/node-csr', '/api/node-certificate',
    '/api/mesh', '/api/certificates', `/api/certificates/${'a'.repeat(64)}`, `/api/certificates/${junk(10)}/blacklist`,
    '/api/issue-certificate', '/api/peers', '/api/local-servers', '/api/content-catalog', '/healthz', '/readyz', '/metrics', '/',
    '/ws/signal', '/ws/coordinate', `/${junk(20)}`, '/api/%00', '/api/certificates/..%2f..%2f'];
  const statuses = {};
  let fiveHundreds = 0;
  for (let i = 0; i < count; i++) {
    const method = pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
    const body = method === 'GET' ? undefined : pick(['', '{', 'null', '[]', JSON.stringify({ csr: hostileStrings(), certificate: hostileValue(), chain: hostileValue(), nonce: hostileValue(), signature: hostileValue(), endpoint: hostileValue(), reason: hostileValue() }), 'x'.repeat(2 * 1024 * 1024)]);
    const headers = { 'content-type': pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded']) };
    if (random() < 0.3) headers.authorization = `Bearer ${junk(40)}`;
    const response = await fetch(`${base}${pick(paths)}`, { method, body, headers }).catch((error) => ({ status: `network: ${error.cause?.code ?? error.message}` }));
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    if (typeof response.status === 'number' && response.status >= 500 && !(response.status === 503)) fiveHundreds++;
    await response.arrayBuffer?.().catch(() => {});
  }
  return { statuses, fiveHundreds };
}

(async () => {
  const node = await startNode();
  const started = Date.now();
  const tally = { sent: 0, closed: 0, unanswered: [], errors: {} };
  const url = `ws://127.0.0.1:${node.port}/ws/signal`;
  let breaches = 0;
  try {
    await Promise.all(Array.from({ length: connections }, () => fuzzConnection(url, Math.ceil(cases / connections), tally)));
    const wsSeconds = (Date.now() - started) / 1000;
    const coordination = { sent: 0, closed: 0, unanswered: [], errors: {} };
    const coordinateStarted = Date.now();
    await fuzzCoordinate(`ws://127.0.0.1:${node.port}/ws/coordinate`, coordinateCases, coordination);
    const coordinateSeconds = (Date.now() - coordinateStarted) / 1000;
    const http = await fuzzHttp(node.base, httpCases);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const status = await (await fetch(`${node.base}/api/status`)).json();
    const ready = (await fetch(`${node.base}/readyz`)).ok;
    console.log(`/ws/signal: ${tally.sent} hostile messages over ${connections} connections in ${wsSeconds.toFixed(1)} s, each answered by one frame`);
    console.log(`  replies: ${Object.entries(tally.errors).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    console.log(`  unanswered: ${tally.unanswered.length}, connections closed by the node: ${tally.closed}`);
    console.log(`/ws/coordinate: ${coordination.sent} hostile messages in ${coordinateSeconds.toFixed(1)} s, each answered by one frame`);
    console.log(`  replies: ${Object.entries(coordination.errors).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    console.log(`  unanswered: ${coordination.unanswered.length}, connections closed by the node: ${coordination.closed}`);
    console.log(`HTTP: ${httpCases} hostile requests; statuses: ${Object.entries(http.statuses).map(([k, v]) => `${k}×${v}`).join(', ')}; 5xx other than 503: ${http.fiveHundreds}`);
    console.log(`after: ready ${ready}, connections the node still holds: ${status.signaling.connected}`);
    breaches = tally.unanswered.length + tally.closed + coordination.unanswered.length + coordination.closed + http.fiveHundreds + (ready ? 0 : 1) + status.signaling.connected;
    for (const frame of tally.unanswered.concat(coordination.unanswered).slice(0, 5)) console.log(`  unanswered: ${frame}`);
  } finally {
    node.child.kill('SIGTERM');
  }
  console.log(`fuzz: ${breaches === 0 ? 1 : 0} passed, ${breaches === 0 ? 0 : 1} failed`);
  process.exit(breaches === 0 ? 0 : 1);
})().catch((error) => { console.error(error); process.exit(1); });
