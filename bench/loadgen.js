'use strict';
// The load generator: a coordinator that forks worker processes (this same file with --worker), so the
// generator is not the bottleneck, and reports its own CPU. One client code path per protocol:
// `ours` (/ws/signal: mesh-node and the minimal relay) and `peerjs` (the PeerJS server).
// Latency is one-way: the sender puts process.hrtime.bigint() (CLOCK_MONOTONIC, shared by every
// process on the machine) into the SDP and the receiver subtracts it on arrival.
const { fork } = require('node:child_process');
const crypto = require('node:crypto');
const WebSocket = require('ws');
const { openIdleClient } = require('./idle-client');

const SDP_TEMPLATE = [
  'v=0',
  'o=- TIMESTAMP 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'a=extmap-allow-mixed',
  'a=msid-semantic: WMS',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 0.0.0.0',
  'a=ice-ufrag:Xb3q',
  'a=ice-pwd:Jt0lYzQ0dVZ4N2lqR2V3bXk5cWhR',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 7A:1F:3E:5C:94:0B:AF:21:6D:88:C3:52:1E:F0:9A:44:B7:63:2D:E8:05:7C:91:3A:C6:D4:58:0F:2B:E1:7D:96',
  'a=setup:actpass',
  'a=mid:0',
  'a=sctp-port:5000',
  'a=max-message-size:262144',
  '',
].join('\r\n');
const [SDP_HEAD, SDP_TAIL] = SDP_TEMPLATE.split('TIMESTAMP');

function stampedSdp() {
  return SDP_HEAD + process.hrtime.bigint().toString() + SDP_TAIL;
}

function latencyMs(sdp, arrivedNs) {
  const start = SDP_HEAD.length;
  const stamp = BigInt(sdp.slice(start, sdp.indexOf(' ', start)));
  return Number(arrivedNs - stamp) / 1e6;
}

// Each protocol: how to connect and register, how to address an offer, how to read one.
const protocols = {
  ours: {
    open(baseUrl, onMessage) {
      return new Promise((resolve, reject) => {
        const socket = new WebSocket(baseUrl, { perMessageDeflate: false });
        let registered = false;
        socket.on('open', () => socket.send('{"type":"REGISTER","callsign":"GUEST"}'));
        socket.on('message', (data) => {
          if (registered) return onMessage(data);
          // Until REGISTERED only HELLO can come; the peer list may be large, so only its head is read.
          const head = data.subarray(0, 200).toString();
          if (!head.includes('"REGISTERED"')) return;
          registered = true;
          const match = /"clientId"\s*:\s*"([^"]+)"/.exec(data.toString());
          resolve({ socket, id: match[1] });
        });
        socket.on('error', reject);
        socket.on('close', (code, reason) => reject(new Error(`closed ${code} ${reason}`)));
      });
    },
    offer(targetId, sdp) {
      return JSON.stringify({ type: 'OFFER', target: targetId, offer: { type: 'offer', sdp } });
    },
    // Returns the SDP of a relayed offer, null for anything else, throws on an ERROR.
    readOffer(text) {
      const message = JSON.parse(text);
      if (message.type === 'OFFER_RECEIVED') return message.offer.sdp;
      if (message.type === 'ERROR') throw new Error(message.error);
      return null;
    },
    // peerEvents false: the client is told nothing of arrivals and departures (as PeerJS clients are).
    idle(baseUrl, { peerEvents = true } = {}) {
      const url = new URL(baseUrl);
      const hello = peerEvents ? '{"type":"REGISTER","callsign":"GUEST"}' : '{"type":"REGISTER","callsign":"GUEST","peerEvents":false}';
      return { port: Number(url.port), path: url.pathname, hello, acknowledged: '"REGISTERED"' };
    },
    keepAlive: null,
  },
  peerjs: {
    open(baseUrl, onMessage) {
      const id = crypto.randomUUID();
      const token = crypto.randomBytes(8).toString('hex');
      return new Promise((resolve, reject) => {
        const socket = new WebSocket(`${baseUrl}?key=peerjs&id=${id}&token=${token}`, { perMessageDeflate: false });
        let open = false;
        socket.on('message', (data) => {
          if (open) return onMessage(data);
          const message = JSON.parse(data.toString());
          if (message.type === 'OPEN') {
            open = true;
            resolve({ socket, id });
          } else reject(new Error(`${message.type} ${JSON.stringify(message.payload)}`));
        });
        socket.on('error', reject);
        socket.on('close', (code, reason) => reject(new Error(`closed ${code} ${reason}`)));
      });
    },
    // What the PeerJS client library sends for a data connection.
    offer(targetId, sdp) {
      return JSON.stringify({
        type: 'OFFER',
        dst: targetId,
        payload: { sdp: { type: 'offer', sdp }, type: 'data', connectionId: 'dc_bench', label: 'dc_bench', reliable: true, serialization: 'binary', browser: 'chrome' },
      });
    },
    readOffer(text) {
      const message = JSON.parse(text);
      if (message.type === 'OFFER') return message.payload.sdp.sdp;
      if (message.type === 'ERROR') throw new Error(message.payload?.msg ?? 'ERROR');
      return null;
    },
    idle(baseUrl) {
      const url = new URL(baseUrl);
      const query = `?key=peerjs&id=${crypto.randomUUID()}&token=${crypto.randomBytes(8).toString('hex')}`;
      return { port: Number(url.port), path: url.pathname + query, hello: null, acknowledged: '"OPEN"' };
    },
    // The server drops a client silent for alive_timeout (90 s); real PeerJS clients beat every 5 s,
    // the benchmark beats only every 30 s so the keep-alive costs PeerJS as little as it can.
    keepAlive: { everyMs: 30_000, frame: '{"type":"HEARTBEAT"}' },
  },
};

// ---------------------------------------------------------------- worker side

async function inBatches(count, concurrency, task) {
  let next = 0;
  const results = [];
  async function lane() {
    while (next < count) {
      const index = next++;
      results[index] = await task(index).then((value) => ({ value }), (error) => ({ error }));
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return results;
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(timer));
}

class Worker {
  constructor() {
    this.sets = new Map();
    this.pairs = [];
    this.idle = [];
    this.keepAliveTimers = [];
  }

  async handle(command) {
    // Pairs come in named sets, one per server, so servers can be measured in alternating rounds.
    const set = this.sets.get(command.set ?? 'default');
    this.pairs = set?.pairs ?? [];
    this.protocol = set?.protocol ?? protocols[command.protocol];
    switch (command.cmd) {
      case 'pairs': return this.openPairs(command);
      case 'idle': return this.openIdle(command);
      case 'p1': return this.steady(command);
      case 'p3': return this.flatOut(command);
      case 'close': return this.close(command);
      default: throw new Error(`unknown command ${command.cmd}`);
    }
  }

  async openPairs({ set = 'default', url, count }) {
    const started = process.hrtime.bigint();
    const results = await inBatches(count, 10, async () => {
      const pair = { protocol: this.protocol, sent: 0, received: 0, errors: 0, inFlight: 0, onOffer: null };
      const receiver = await withTimeout(this.protocol.open(url, (data) => this.onReceiverMessage(pair, data)), 30_000, 'receiver');
      const sender = await withTimeout(this.protocol.open(url, (data) => this.onSenderMessage(pair, data)), 30_000, 'sender');
      Object.assign(pair, { receiver, sender });
      for (const client of [sender, receiver]) client.socket.on('close', () => { if (!this.closing) pair.errors++; });
      this.startKeepAlive([sender.socket, receiver.socket]);
      return pair;
    });
    const failed = results.filter((r) => r.error);
    if (failed.length) throw new Error(`${failed.length} of ${count} pairs failed: ${failed[0].error.message}`);
    this.sets.set(set, { protocol: this.protocol, pairs: results.map((r) => r.value) });
    return { ms: Number(process.hrtime.bigint() - started) / 1e6 };
  }

  onReceiverMessage(pair, data) {
    const arrived = process.hrtime.bigint();
    let sdp;
    try {
      sdp = pair.protocol.readOffer(data.toString());
    } catch {
      pair.errors++;
      return;
    }
    if (sdp === null) return;
    pair.received++;
    pair.inFlight--;
    pair.onOffer?.(latencyMs(sdp, arrived));
  }

  onSenderMessage(pair, data) {
    try {
      pair.protocol.readOffer(data.toString());
    } catch {
      pair.errors++;
    }
  }

  startKeepAlive(sockets) {
    const keepAlive = this.protocol.keepAlive;
    if (!keepAlive) return;
    const timer = setInterval(() => {
      for (const socket of sockets) if (socket.readyState === WebSocket.OPEN) socket.send(keepAlive.frame);
    }, keepAlive.everyMs);
    timer.unref();
    this.keepAliveTimers.push(timer);
  }

  async openIdle({ url, count, concurrency, timeoutMs, peerEvents }) {
    const started = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    const deadline = Date.now() + timeoutMs;
    const results = await inBatches(count, concurrency, async () => {
      if (Date.now() > deadline) throw new Error('deadline passed');
      return withTimeout(openIdleClient(this.protocol.idle(url, { peerEvents })), Math.max(1, deadline - Date.now()), 'idle client');
    });
    const opened = results.filter((r) => r.value).map((r) => r.value);
    this.idle.push(...opened);
    this.startIdleKeepAlive(opened);
    const failures = results.filter((r) => r.error);
    return {
      ms: Number(process.hrtime.bigint() - started) / 1e6,
      registered: opened.length,
      failed: failures.length,
      firstFailure: failures[0]?.error.message,
      cpu: process.cpuUsage(cpuBefore),
    };
  }

  startIdleKeepAlive(clients) {
    const keepAlive = this.protocol.keepAlive;
    if (!keepAlive || clients.length === 0) return;
    // Spread over the period so the beats do not arrive as one burst.
    let next = 0;
    const perTick = Math.ceil(clients.length / (keepAlive.everyMs / 100));
    const timer = setInterval(() => {
      for (let i = 0; i < perTick; i++, next = (next + 1) % clients.length) if (!clients[next].closed) clients[next].send(keepAlive.frame);
    }, 100);
    timer.unref();
    this.keepAliveTimers.push(timer);
  }

  // P1: each pair's sender offers at a steady rate; latency measured at each receiver.
  async steady({ ratePerPair, durationMs, drainMs }) {
    const latencies = [];
    const periodMs = 1000 / ratePerPair;
    const cpuBefore = process.cpuUsage();
    const before = this.counts();
    const start = performance.now();
    const timers = this.pairs.map((pair, index) => {
      pair.onOffer = (ms) => latencies.push(ms);
      let tick = 0;
      const offset = (periodMs * index) / this.pairs.length;
      const send = () => {
        if (performance.now() - start >= durationMs) return;
        pair.sender.socket.send(this.protocol.offer(pair.receiver.id, stampedSdp()));
        pair.sent++;
        pair.inFlight++;
        tick++;
        pair.timer = setTimeout(send, Math.max(0, start + offset + tick * periodMs - performance.now()));
      };
      pair.timer = setTimeout(send, offset);
      return pair;
    });
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    await this.drain(drainMs);
    for (const pair of timers) clearTimeout(pair.timer);
    return { latencies, ...this.delta(before), cpu: process.cpuUsage(cpuBefore) };
  }

  // P3: every pair keeps `window` offers in flight for the duration; a receipt frees a slot, so the
  // generator never overruns the server's buffers and any loss is the server's.
  async flatOut({ window, durationMs, drainMs }) {
    let running = true;
    let receivedInWindow = 0;
    const latencies = [];
    const cpuBefore = process.cpuUsage();
    const before = this.counts();
    for (const pair of this.pairs) {
      const send = () => {
        pair.sender.socket.send(this.protocol.offer(pair.receiver.id, stampedSdp()));
        pair.sent++;
        pair.inFlight++;
      };
      pair.onOffer = (ms) => {
        if (!running) return;
        receivedInWindow++;
        if ((receivedInWindow & 63) === 0) latencies.push(ms);
        send();
      };
      for (let i = 0; i < window; i++) send();
    }
    const start = performance.now();
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    running = false;
    const elapsedMs = performance.now() - start;
    const cpu = process.cpuUsage(cpuBefore);
    await this.drain(drainMs);
    return { receivedInWindow, elapsedMs, latencies, ...this.delta(before), cpu };
  }

  async drain(drainMs) {
    const until = Date.now() + drainMs;
    while (Date.now() < until && this.pairs.some((pair) => pair.inFlight > 0)) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  counts() {
    return this.pairs.map((pair) => ({ sent: pair.sent, received: pair.received, errors: pair.errors }));
  }

  delta(before) {
    const total = { sent: 0, received: 0, errors: 0 };
    this.pairs.forEach((pair, index) => {
      total.sent += pair.sent - before[index].sent;
      total.received += pair.received - before[index].received;
      total.errors += pair.errors - before[index].errors;
      pair.inFlight = 0;
    });
    total.lost = total.sent - total.received;
    return total;
  }

  async close({ what, set }) {
    this.closing = true;
    const sockets = [];
    const idleLost = this.idle.filter((client) => client.closed).length;
    const closedSets = what === 'idle' ? [] : set ? [set] : [...this.sets.keys()];
    for (const name of closedSets) sockets.push(...(this.sets.get(name)?.pairs ?? []).flatMap((pair) => [pair.sender.socket, pair.receiver.socket]));
    if (what !== 'pairs') for (const client of this.idle) client.close();
    await Promise.all(sockets.map((socket) => new Promise((resolve) => {
      if (socket.readyState === WebSocket.CLOSED) return resolve();
      socket.once('close', resolve);
      socket.terminate();
    })));
    for (const name of closedSets) this.sets.delete(name);
    if (what !== 'pairs') this.idle = [];
    if (what === 'all') for (const timer of this.keepAliveTimers.splice(0)) clearInterval(timer);
    this.closing = false;
    return { idleLost };
  }
}

function runWorker() {
  const worker = new Worker();
  process.on('message', async ({ id, command }) => {
    try {
      process.send({ id, result: await worker.handle(command) });
    } catch (error) {
      process.send({ id, error: error.message });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

// ---------------------------------------------------------------- coordinator side

function split(total, parts) {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summarize(latencies) {
  const sorted = Float64Array.from(latencies).sort();
  return { count: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN };
}

function cpuMs(results) {
  return results.reduce((sum, r) => sum + (r.cpu.user + r.cpu.system) / 1000, 0);
}

class LoadGenerator {
  constructor({ workers = 2 } = {}) {
    this.nextId = 0;
    this.pending = new Map();
    this.workers = Array.from({ length: workers }, () => {
      const child = fork(__filename, ['--worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      child.on('message', ({ id, result, error }) => {
        const { resolve, reject } = this.pending.get(id);
        this.pending.delete(id);
        if (error) reject(new Error(error));
        else resolve(result);
      });
      return child;
    });
  }

  each(commands) {
    return Promise.all(this.workers.map((child, index) => new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      child.send({ id, command: commands[index] });
    })));
  }

  async openPairs(protocol, url, count, set = 'default') {
    const results = await this.each(split(count, this.workers.length).map((n) => ({ cmd: 'pairs', protocol, set, url, count: n })));
    return { ms: Math.max(...results.map((r) => r.ms)) };
  }

  async openIdle(protocol, url, count, { concurrency = 100, timeoutMs = 120_000, peerEvents = true } = {}) {
    const results = await this.each(split(count, this.workers.length).map((n) => ({ cmd: 'idle', protocol, url, count: n, concurrency, timeoutMs, peerEvents })));
    return {
      ms: Math.max(...results.map((r) => r.ms)),
      registered: results.reduce((sum, r) => sum + r.registered, 0),
      failed: results.reduce((sum, r) => sum + r.failed, 0),
      firstFailure: results.find((r) => r.firstFailure)?.firstFailure,
      loadgenCpuMs: cpuMs(results),
    };
  }

  async steady({ set = 'default', ratePerPair, durationMs, drainMs = 2000 }) {
    const results = await this.each(this.workers.map(() => ({ cmd: 'p1', set, ratePerPair, durationMs, drainMs })));
    return { latencies: results.flatMap((r) => r.latencies), ...sumCounts(results), loadgenCpuMs: cpuMs(results), durationMs };
  }

  summarizeSteady(rounds) {
    const total = { sent: 0, received: 0, errors: 0, lost: 0, loadgenCpuMs: 0, durationMs: 0 };
    for (const round of rounds) for (const key of Object.keys(total)) total[key] += round[key];
    return { ...summarize(rounds.flatMap((round) => round.latencies)), ...total };
  }

  async steadySummary(options) {
    const results = [await this.steady(options)];
    return this.summarizeSteady(results);
  }

  async flatOut({ set = 'default', window, durationMs, drainMs = 3000 }) {
    const results = await this.each(this.workers.map(() => ({ cmd: 'p3', set, window, durationMs, drainMs })));
    const elapsedMs = Math.max(...results.map((r) => r.elapsedMs));
    const receivedInWindow = results.reduce((sum, r) => sum + r.receivedInWindow, 0);
    return {
      messagesPerSecond: receivedInWindow / (elapsedMs / 1000),
      receivedInWindow,
      elapsedMs,
      latency: summarize(results.flatMap((r) => r.latencies)),
      ...sumCounts(results),
      loadgenCpuMs: cpuMs(results),
    };
  }

  async close(what = 'all', set = undefined) {
    const results = await this.each(this.workers.map(() => ({ cmd: 'close', what, set })));
    return { idleLost: results.reduce((sum, r) => sum + r.idleLost, 0) };
  }

  stop() {
    for (const child of this.workers) child.disconnect();
  }
}

function sumCounts(results) {
  const total = { sent: 0, received: 0, errors: 0, lost: 0 };
  for (const r of results) for (const key of Object.keys(total)) total[key] += r[key];
  return total;
}

module.exports = { LoadGenerator, summarize, percentile };

// Standalone: node loadgen.js --protocol ours|peerjs --url ws://127.0.0.1:PORT/ws/signal [--pairs 50] [--seconds 5]
async function standalone(argv) {
  const option = (name, fallback) => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 ? argv[index + 1] : fallback;
  };
  const generator = new LoadGenerator({ workers: Number(option('workers', 2)) });
  try {
    const protocol = option('protocol', 'ours');
    const url = option('url');
    const seconds = Number(option('seconds', 5));
    await generator.openPairs(protocol, url, Number(option('pairs', 50)));
    console.log('P1', await generator.steadySummary({ ratePerPair: 10, durationMs: seconds * 1000 }));
    console.log('P3', await generator.flatOut({ window: Number(option('window', 16)), durationMs: seconds * 1000 }));
    await generator.close();
  } finally {
    generator.stop();
  }
}

if (process.argv.includes('--worker')) runWorker();
else if (require.main === module) standalone(process.argv.slice(2)).catch((error) => {
  console.error(error);
  process.exit(1);
});
