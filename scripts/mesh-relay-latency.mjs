// P1 beside P2 in one run: one-way OFFER relay latency between client pairs on the same node and
// on two different nodes. Sender and receiver share this process's clock, so one-way is exact.
//   node --experimental-websocket scripts/mesh-relay-latency.mjs ws://127.0.0.1:A/ws/signal ws://127.0.0.1:B/ws/signal [pairs=20] [seconds=20] [offersPerSecond=10]
const [urlA, urlB, pairsArg = "20", secondsArg = "20", rateArg = "10"] = process.argv.slice(2);
const pairs = Number(pairsArg), seconds = Number(secondsArg), rate = Number(rateArg);

function open(url) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const waiting = new Map();
    socket.onmessage = (event) => {
      const frame = JSON.parse(event.data);
      const handler = waiting.get(frame.type);
      if (handler) handler(frame);
    };
    socket.onerror = reject;
    socket.onopen = () => resolve({ socket, on: (type, handler) => waiting.set(type, handler) });
  });
}

async function register(url) {
  const client = await open(url);
  const registered = new Promise((resolve) => client.on("REGISTERED", resolve));
  client.socket.send(JSON.stringify({ type: "REGISTER", callsign: "GUEST" }));
  client.id = (await registered).clientId;
  return client;
}

async function measure(label, senderUrl, receiverUrl) {
  const senders = [], receivers = [];
  for (let i = 0; i < pairs; i++) {
    receivers.push(await register(receiverUrl));
    senders.push(await register(senderUrl));
  }
  // Give presence time to reach the sender's node before the first offer.
  await new Promise((r) => setTimeout(r, 2000));
  const latencies = [];
  let sent = 0, lost = 0;
  for (const receiver of receivers) {
    receiver.on("OFFER_RECEIVED", (frame) => {
      const sentAt = Number(frame.offer.sdp.slice(2));
      latencies.push(Number(process.hrtime.bigint() - BigInt(sentAt)) / 1e6);
    });
  }
  for (const sender of senders) sender.on("ERROR", () => lost++);
  const interval = 1000 / rate;
  const end = Date.now() + seconds * 1000;
  await Promise.all(senders.map(async (sender, i) => {
    await new Promise((r) => setTimeout(r, (interval * i) / pairs));
    while (Date.now() < end) {
      sender.socket.send(JSON.stringify({ type: "OFFER", target: receivers[i].id, offer: { type: "offer", sdp: "t=" + process.hrtime.bigint() } }));
      sent++;
      await new Promise((r) => setTimeout(r, interval));
    }
  }));
  await new Promise((r) => setTimeout(r, 1000));
  for (const c of [...senders, ...receivers]) c.socket.close();
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(2);
  console.log(`${label}: ${pairs} pairs x ${rate}/s for ${seconds} s: sent ${sent}, received ${latencies.length}, errors ${lost}; one-way ms p50 ${at(0.5)} p90 ${at(0.9)} p99 ${at(0.99)} max ${at(1)}`);
  return Number(at(0.99));
}

const local = await measure("P1 same node  ", urlA, urlA);
const cross = await measure("P2 across nodes", urlA, urlB);
const local2 = await measure("P1 same node  ", urlA, urlA);
console.log(`P2 p99 / P1 p99 (P1 = median of the two same-node rounds around it): ${(cross / ((local + local2) / 2)).toFixed(2)}`);
process.exit(0);
