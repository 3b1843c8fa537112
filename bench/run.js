'use strict';
// The benchmark: mesh-node, the PeerJS server and the minimal ws relay, one after another on
// 127.0.0.1, driven by the same load generator; prints one markdown table and writes it (and the raw
// figures as JSON) to bench/results/. Every server is started and stopped here, by PID.
// Usage: node bench/run.js [--quick] [--servers mesh-node,peerjs,minimal] [--workers 2] [--levels 1000,5000]
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { LoadGenerator } = require('./loadgen');

const repo = path.resolve(__dirname, '..');
const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? argv[index + 1] : fallback;
};
const quick = argv.includes('--quick');

const settings = {
  mode: quick ? 'quick' : 'full',
  pairs: 50,
  ratePerPair: 10,
  p1Seconds: Number(option('p1-seconds', quick ? 1.5 : 20)),
  p3Seconds: Number(option('p3-seconds', quick ? 2 : 10)),
  p3Window: Number(option('window', 16)),
  heldP1Seconds: Number(option('held-seconds', quick ? 1.5 : 10)),
  // Held clients register with peerEvents false (no PEER_JOINED/PEER_LEFT, as PeerJS clients get);
  // the push levels hold clients of our protocol with the default (every arrival told to everyone).
  levels: option('levels', quick ? '1000' : '1000,5000,10000').split(',').map(Number),
  pushLevels: option('push-levels', quick ? '1000' : '1000,5000').split(',').filter(Boolean).map(Number),
  startups: Number(option('startups', quick ? 1 : 5)),
  rounds: Number(option('rounds', quick ? 1 : 4)),
  warmupMs: quick ? 500 : 1000,
  settleMs: quick ? 1000 : 2000,
  phases: option('phases', 'p7,relay,p4').split(','),
  workers: Number(option('workers', 2)),
  connectTimeoutSeconds: Number(option('connect-timeout', quick ? 30 : 90)),
  servers: option('servers', option('baseline') ? 'mesh-node,baseline,peerjs,minimal' : 'mesh-node,peerjs,minimal').split(','),
  budgetSeconds: Number(option('budget', quick ? 150 : 1800)),
};

const meshNodeBinary = option('mesh-node', path.join(repo, 'src/Mesh.Node/bin/Release/net10.0/mesh-node'));
const peerVersion = JSON.parse(fs.readFileSync(path.join(__dirname, 'node_modules/peer/package.json'), 'utf8')).version;

const meshNode = (label, binary) => ({
  label,
  protocol: 'ours',
  wsPath: '/ws/signal',
  readyPath: '/readyz',
  command: (port, dataDir) => [binary, [
    '--config', path.join(repo, 'hocon/bench.hocon'), '--port', String(port), '--akka-port', '0',
    '--ops-port', '0', '--bind', '127.0.0.1', '--host', '127.0.0.1', '--data-dir', dataDir, '--no-mdns']],
});

const servers = {
  'mesh-node': meshNode('mesh-node', meshNodeBinary),
  // --baseline PATH: another mesh-node build (say, before a change) measured in the same run.
  baseline: meshNode(`mesh-node baseline`, option('baseline', '')),
  peerjs: {
    label: `PeerJS ${peerVersion}`,
    protocol: 'peerjs',
    wsPath: '/peerjs',
    readyPath: '/',
    command: (port) => [process.execPath, [path.join(__dirname, 'peerjs-server.js'), String(port)]],
  },
  minimal: {
    label: 'minimal ws relay',
    protocol: 'ours',
    wsPath: '/ws/signal',
    readyPath: '/readyz',
    command: (port) => [process.execPath, [path.join(__dirname, 'minimal-relay.js'), String(port)]],
  },
};

const resultsDir = path.join(__dirname, 'results');
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const logDir = path.join(resultsDir, `logs-${stamp}`);
const running = new Set();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (...parts) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...parts);

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function httpStatus(port, urlPath) {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: urlPath, timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('error', () => resolve(0));
    request.on('timeout', () => request.destroy());
  });
}

// /proc/PID/stat: utime and stime are fields 14 and 15, counted after the parenthesised name.
function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

function rssKb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
}

const clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

async function startServer(name) {
  const server = servers[name];
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-bench-'));
  const [file, args] = server.command(port, dataDir);
  const logFile = path.join(logDir, `${name}-${port}.log`);
  const out = fs.openSync(logFile, 'w');
  const started = process.hrtime.bigint();
  const child = spawn(file, args, { cwd: repo, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const handle = { name, child, pid: child.pid, port, dataDir, logFile, url: `ws://127.0.0.1:${port}${server.wsPath}`, exited: null };
  running.add(handle);
  child.on('exit', (code, signal) => { handle.exited = { code, signal }; });
  child.on('error', (error) => { handle.exited = { code: error.code, signal: null }; });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (handle.exited) throw new Error(`${name} exited (${handle.exited.code ?? handle.exited.signal}) before ready; log: ${logFile}\n${tail(logFile)}`);
    if ((await httpStatus(port, server.readyPath)) === 200) {
      handle.readyMs = Number(process.hrtime.bigint() - started) / 1e6;
      return handle;
    }
    await sleep(10);
  }
  await stopServer(handle);
  throw new Error(`${name} not ready within 30 s; log: ${logFile}\n${tail(logFile)}`);
}

function tail(file) {
  return fs.readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
}

async function stopServer(handle) {
  if (!handle.exited) {
    process.kill(handle.pid, 'SIGTERM');
    const deadline = Date.now() + 10_000;
    while (!handle.exited && Date.now() < deadline) await sleep(20);
    if (!handle.exited) {
      log(`${handle.name} (pid ${handle.pid}) ignored SIGTERM for 10 s; killing it`);
      process.kill(handle.pid, 'SIGKILL');
      while (!handle.exited) await sleep(20);
    }
  }
  running.delete(handle);
  fs.rmSync(handle.dataDir, { recursive: true, force: true });
}

function killAll() {
  for (const handle of running) if (!handle.exited) try { process.kill(handle.pid, 'SIGKILL'); } catch { /* already gone */ }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

// ------------------------------------------------------------------ the measurements

async function measureStartup(results) {
  for (let rep = 0; rep < settings.startups; rep++) {
    for (const name of settings.servers) {
      const handle = await startServer(name);
      (results[name].startupMs ??= []).push(handle.readyMs);
      await stopServer(handle);
    }
  }
  for (const name of settings.servers) log(`P7 ${name}: ready in ${results[name].startupMs.map((ms) => ms.toFixed(0)).join(', ')} ms`);
}

// All servers run side by side (an idle one costs next to nothing) and are measured in alternating
// rounds, so the noise of a shared machine falls on each of them alike.
async function measureRelay(generator, results) {
  const handles = [];
  try {
    for (const name of settings.servers) handles.push(await startServer(name));
    for (const handle of handles) {
      await generator.openPairs(servers[handle.name].protocol, handle.url, settings.pairs, handle.name);
      // Warm-up, discarded: JIT tiers (V8's and .NET's) and pools settle before anything is measured.
      await generator.flatOut({ set: handle.name, window: settings.p3Window, durationMs: settings.warmupMs });
      await generator.steady({ set: handle.name, ratePerPair: settings.ratePerPair, durationMs: settings.warmupMs });
    }
    const p1Rounds = Object.fromEntries(handles.map((h) => [h.name, []]));
    const p3Rounds = Object.fromEntries(handles.map((h) => [h.name, []]));
    for (let round = 0; round < settings.rounds; round++) {
      for (const handle of rotate(handles, round)) {
        p1Rounds[handle.name].push(await generator.steady({ set: handle.name, ratePerPair: settings.ratePerPair, durationMs: (settings.p1Seconds * 1000) / settings.rounds }));
      }
    }
    for (let round = 0; round < settings.rounds; round++) {
      for (const handle of rotate(handles, round)) {
        const cpuBefore = cpuSeconds(handle.pid);
        const p3 = await generator.flatOut({ set: handle.name, window: settings.p3Window, durationMs: (settings.p3Seconds * 1000) / settings.rounds });
        p3.serverCpuSeconds = cpuSeconds(handle.pid) - cpuBefore;
        p3Rounds[handle.name].push(p3);
      }
    }
    for (const handle of handles) {
      const { name } = handle;
      const p1 = generator.summarizeSteady(p1Rounds[name]);
      const p3 = combineFlatOut(p3Rounds[name]);
      p3.serverRssKb = rssKb(handle.pid);
      log(`P1 ${name}: p50 ${p1.p50.toFixed(3)} p99 ${p1.p99.toFixed(3)} ms, ${p1.received}/${p1.sent} received, ${p1.errors} errors`);
      log(`P3 ${name}: ${p3.messagesPerSecond.toFixed(0)} msgs/s (rounds: ${p3Rounds[name].map((r) => r.messagesPerSecond.toFixed(0)).join(', ')}), ${p3.serverCpuMicrosPerMessage.toFixed(1)} µs CPU/msg, lost ${p3.lost}, errors ${p3.errors}, loadgen ${(p3.loadgenCpuMs / p3.elapsedMs * 100).toFixed(0)} % of a core`);
      Object.assign(results[name], { p1, p3 });
      if (handle.exited) throw new Error(`${name} died during the relay runs; log: ${handle.logFile}`);
    }
  } finally {
    await generator.close();
    for (const handle of handles) await stopServer(handle);
  }
}

function rotate(list, by) {
  return list.map((_, i) => list[(i + by) % list.length]);
}

function combineFlatOut(rounds) {
  const sum = (key) => rounds.reduce((total, round) => total + round[key], 0);
  const combined = {
    receivedInWindow: sum('receivedInWindow'),
    elapsedMs: sum('elapsedMs'),
    sent: sum('sent'),
    received: sum('received'),
    errors: sum('errors'),
    lost: sum('lost'),
    loadgenCpuMs: sum('loadgenCpuMs'),
    serverCpuSeconds: sum('serverCpuSeconds'),
    latency: { p99: Math.max(...rounds.map((round) => round.latency.p99)) },
  };
  combined.messagesPerSecond = combined.receivedInWindow / (combined.elapsedMs / 1000);
  combined.serverCpuMicrosPerMessage = (combined.serverCpuSeconds * 1e6) / Math.max(1, combined.received);
  return combined;
}

function capacityRuns() {
  return [
    ...settings.levels.map((level) => ({ level, push: false })),
    ...settings.pushLevels.map((level) => ({ level, push: true })),
  ];
}

// PeerJS has no presence: its held clients are the same with or without pushes, so it runs once.
const hasPresence = (name) => servers[name].protocol === 'ours';

async function measureCapacity(generator, results) {
  for (const { level, push } of capacityRuns()) {
    for (const name of settings.servers.filter((n) => !push || hasPresence(n))) {
      const handle = await startServer(name);
      const held = { level, push };
      try {
        await sleep(settings.settleMs / 2);
        held.rssBeforeKb = rssKb(handle.pid);
        const cpuBefore = cpuSeconds(handle.pid);
        const idle = await generator.openIdle(servers[name].protocol, handle.url, level, { timeoutMs: settings.connectTimeoutSeconds * 1000, peerEvents: push });
        held.connectServerCpuSeconds = cpuSeconds(handle.pid) - cpuBefore;
        Object.assign(held, idle);
        await sleep(settings.settleMs);
        held.rssHeldKb = rssKb(handle.pid);
        held.bytesPerConnection = ((held.rssHeldKb - held.rssBeforeKb) * 1024) / Math.max(1, held.registered);
        if (held.registered === level) {
          await generator.openPairs(servers[name].protocol, handle.url, settings.pairs);
          await generator.steady({ ratePerPair: settings.ratePerPair, durationMs: settings.warmupMs });
          held.p1 = await generator.steadySummary({ ratePerPair: settings.ratePerPair, durationMs: settings.heldP1Seconds * 1000 });
        }
        log(`P4 ${name} ${level}${push ? ' with pushes' : ''}: ${held.registered} registered (${held.failed} failed${held.firstFailure ? `: ${held.firstFailure}` : ''}) in ${(held.ms / 1000).toFixed(2)} s, RSS ${(held.rssHeldKb / 1024).toFixed(0)} MB, ${(held.bytesPerConnection / 1024).toFixed(1)} kB/conn, held p99 ${held.p1?.p99.toFixed(3)} ms`);
        held.rssAfterP1Kb = rssKb(handle.pid);
      } finally {
        (results[name].p4 ??= []).push(held);
        held.idleLost = (await generator.close()).idleLost;
        await stopServer(handle);
      }
    }
  }
}

// ------------------------------------------------------------------ the table

const fmt = {
  ms: (v) => (Number.isFinite(v) ? v.toFixed(v < 10 ? 3 : 1) : '—'),
  int: (v) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '—'),
  one: (v) => (Number.isFinite(v) ? v.toFixed(1) : '—'),
  s: (v) => (Number.isFinite(v) ? v.toFixed(2) : '—'),
};

function rows(results) {
  const r = (name) => results[name] ?? {};
  const out = [];
  const add = (label, unit, pick, format, better, target) => out.push({ label: unit ? `${label} (${unit})` : label, pick, format, better, target });
  add('P1 latency p50', 'ms', (x) => x.p1?.p50, fmt.ms, 'lower');
  add('P1 latency p90', 'ms', (x) => x.p1?.p90, fmt.ms, 'lower');
  add('P1 latency p99', 'ms', (x) => x.p1?.p99, fmt.ms, 'lower', (node, peerjs) => node <= peerjs);
  add('P1 latency max', 'ms', (x) => x.p1?.max, fmt.ms, 'lower');
  add('P1 received / sent', '', (x) => x.p1 && `${x.p1.received}/${x.p1.sent}`, String);
  add('P1 load generator CPU', '% of a core', (x) => x.p1 && (x.p1.loadgenCpuMs / x.p1.durationMs) * 100, fmt.one);
  add('P3 throughput', 'msgs/s', (x) => x.p3?.messagesPerSecond, fmt.int, 'higher', (node, peerjs) => node >= 1.5 * peerjs);
  add('P3 lost / errored', '', (x) => x.p3 && `${x.p3.lost} / ${x.p3.errors}`, String);
  add('P3 server CPU per message', 'µs', (x) => x.p3?.serverCpuMicrosPerMessage, fmt.one, 'lower', (node, peerjs) => node <= 0.5 * peerjs);
  add('P3 latency under load p99 (worst round)', 'ms', (x) => x.p3?.latency.p99, fmt.ms, 'lower');
  add('P3 load generator CPU', '% of a core', (x) => x.p3 && (x.p3.loadgenCpuMs / x.p3.elapsedMs) * 100, fmt.one);
  for (const { level, push } of capacityRuns()) {
    const at = (x) => x.p4?.find((h) => h.level === level && h.push === push);
    const n = push ? `${level.toLocaleString('en-US')} with pushes` : level.toLocaleString('en-US');
    add(`P4 ${n} clients: registered (dropped while held)`, '', (x) => at(x) && `${at(x).registered}/${level} (${at(x).idleLost})`, String);
    add(`P4 ${n}: connect + register`, 's', (x) => (at(x) ? at(x).ms / 1000 : undefined), fmt.s, 'lower');
    add(`P4 ${n}: server / load generator CPU while connecting`, 's', (x) => at(x) && `${fmt.one(at(x).connectServerCpuSeconds)} / ${fmt.one(at(x).loadgenCpuMs / 1000)}`, String);
    add(`P4 ${n}: server RSS held`, 'MB', (x) => (at(x) ? at(x).rssHeldKb / 1024 : undefined), fmt.one, 'lower');
    add(`P4 ${n}: memory per connection`, 'kB', (x) => (at(x) ? at(x).bytesPerConnection / 1024 : undefined), fmt.one, 'lower', (node, peerjs) => node <= peerjs);
    add(`P4 ${n}: P1 p99 while held`, 'ms', (x) => at(x)?.p1?.p99, fmt.ms, 'lower', (node) => node <= 2);
  }
  add('P7 start to ready, median', 'ms', (x) => (x.startupMs ? median(x.startupMs) : undefined), fmt.one, 'lower', (node) => node <= 2000);
  return out.map((row) => ({ ...row, values: Object.fromEntries(Object.keys(servers).map((name) => [name, row.pick(r(name))])) }));
}

function ratio(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? `${(a / b).toFixed(2)}×` : '—';
}

function table(results) {
  const names = Object.keys(servers).filter((name) => settings.servers.includes(name));
  const hasNode = names.includes('mesh-node');
  const header = ['measure', ...names.map((name) => servers[name].label)];
  const against = ['peerjs', 'minimal', 'baseline'].filter((name) => names.includes(name));
  if (hasNode) header.push(...against.map((name) => `node ÷ ${name === 'peerjs' ? 'PeerJS' : name}`), 'target');
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const row of rows(results)) {
    if (names.every((name) => row.values[name] === undefined)) continue;
    const cells = [row.label, ...names.map((name) => (row.values[name] === undefined ? '—' : row.format(row.values[name])))];
    if (hasNode) {
      const node = row.values['mesh-node'];
      cells.push(...against.map((name) => (row.better ? ratio(node, row.values[name]) : '')));
      const needsPeerjs = row.target?.length === 2;
      const judged = row.target && Number.isFinite(node) && (!needsPeerjs || Number.isFinite(row.values.peerjs));
      cells.push(judged ? (row.target(node, row.values.peerjs) ? 'met' : '**missed**') : '');
    }
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

// What every run must show whatever the machine's noise: every relayed message arrived, nothing was
// answered with an ERROR, every held client registered and stayed. Speed is judged by people, not here.
function smokeChecks(results) {
  const checks = [];
  for (const name of settings.servers) {
    const r = results[name];
    if (settings.phases.includes('p7')) checks.push({ what: `${name} started`, ok: (r.startupMs?.length ?? 0) === settings.startups });
    if (settings.phases.includes('relay')) {
      checks.push({ what: `${name} relayed every P1 offer`, ok: r.p1 !== undefined && r.p1.lost === 0 && r.p1.errors === 0 });
      checks.push({ what: `${name} relayed every P3 offer`, ok: r.p3 !== undefined && r.p3.lost === 0 && r.p3.errors === 0 });
    }
    if (settings.phases.includes('p4')) {
      for (const { level, push } of capacityRuns().filter((run) => !run.push || hasPresence(name))) {
        const held = r.p4?.find((h) => h.level === level && h.push === push);
        checks.push({ what: `${name} held ${level} clients${push ? ' with pushes' : ''}`, ok: held !== undefined && held.registered === level && held.idleLost === 0 && held.p1?.lost === 0 });
      }
    }
  }
  return checks;
}

function machine() {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? 'unknown';
  const git = (() => { try { return execFileSync('git', ['-C', repo, 'rev-parse', '--short', 'HEAD']).toString().trim(); } catch { return 'unknown'; } })();
  const dotnet = (() => { try { return execFileSync('dotnet', ['--version']).toString().trim(); } catch { return 'absent'; } })();
  return `${os.cpus().length} cores (${model}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} at start; ` +
    `Node ${process.version}, .NET SDK ${dotnet}, peer ${peerVersion}, commit ${git}`;
}

async function main() {
  for (const name of settings.servers) if (!servers[name]) throw new Error(`unknown server ${name}; known: ${Object.keys(servers).join(', ')}`);
  if (settings.servers.includes('baseline') && !fs.statSync(option('baseline', ''), { throwIfNoEntry: false })?.isFile()) throw new Error('--baseline needs the path of a mesh-node executable');
  if (settings.servers.includes('mesh-node') && !fs.existsSync(meshNodeBinary)) throw new Error(`${meshNodeBinary} is missing: run bench/run.sh (it builds Release) or pass --mesh-node PATH`);
  fs.mkdirSync(logDir, { recursive: true });
  const budget = setTimeout(() => {
    log(`over the ${settings.budgetSeconds} s budget: stopping`);
    killAll();
    process.exit(2);
  }, settings.budgetSeconds * 1000);
  const started = Date.now();
  const machineLine = machine();
  const results = Object.fromEntries(settings.servers.map((name) => [name, {}]));
  const generator = new LoadGenerator({ workers: settings.workers });
  let failure;
  try {
    if (settings.phases.includes('p7')) await measureStartup(results);
    if (settings.phases.includes('relay')) await measureRelay(generator, results);
    if (settings.phases.includes('p4')) await measureCapacity(generator, results);
  } catch (error) {
    failure = error;
  } finally {
    generator.stop();
    killAll();
    clearTimeout(budget);
  }
  const text = [
    `# Relay benchmark, ${settings.mode} mode, ${new Date().toISOString()}`,
    '',
    `Machine: ${machineLine}.`,
    `Load: ${settings.pairs} pairs × ${settings.ratePerPair} offers/s for ${settings.p1Seconds} s (P1); flat out with ${settings.p3Window} offers in flight a pair for ${settings.p3Seconds} s (P3); ` +
      `P1 and P3 in ${settings.rounds} alternating rounds a server after a ${(2 * settings.warmupMs) / 1000} s warm-up; ` +
      `${settings.levels.join(' / ')} idle clients with peerEvents false` +
      (settings.pushLevels.length ? ` and ${settings.pushLevels.join(' / ')} with the default PEER_JOINED/PEER_LEFT pushes` : '') +
      `, then P1 for ${settings.heldP1Seconds} s (P4); ${settings.startups} starts (P7). Load generator: ${settings.workers} worker processes. Took ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    '',
    table(results),
    '',
    failure ? `Stopped early: ${failure.message}` : '',
  ].join('\n');
  console.log(text);
  const checks = smokeChecks(results);
  const failed = checks.filter((check) => !check.ok);
  for (const check of failed) console.log(`not ok: ${check.what}`);
  console.log(`bench: ${checks.length - failed.length} passed, ${failed.length} failed`);
  if (failed.length) process.exitCode = 1;
  fs.writeFileSync(path.join(resultsDir, `${stamp}-${settings.mode}.md`), text);
  fs.writeFileSync(path.join(resultsDir, `${stamp}-${settings.mode}.json`), JSON.stringify({ settings, machine: machineLine, results }, null, 1));
  if (failure) {
    console.error(failure.stack);
    process.exitCode = 1;
  }
}

process.on('uncaughtException', (error) => { killAll(); console.error(error); process.exit(1); });
process.on('SIGINT', () => { killAll(); process.exit(130); });
process.on('SIGTERM', () => { killAll(); process.exit(143); });
main();
