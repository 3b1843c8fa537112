// Issue 2's browser check: two chromium pages, each with its own RTCPeerConnection, signal through
// the real node's /ws/signal (raw protocol, no app code), and a data-channel message arrives.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, startNode } from './harness.mjs';

let node;
let browser;

before(async () => {
  node = await startNode();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await node?.stop();
});

/** Runs in the page: connects to /ws/signal, registers as GUEST and wires a peer connection to the relay. */
function joinRelay(signalUrl) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(signalUrl);
    const state = { ws, clientId: null, pc: null, relayedFrom: null, received: null, pending: [] };
    window.relay = state;
    const send = (message) => ws.send(JSON.stringify(message));
    state.send = send;
    state.makePeer = (target) => {
      const pc = new RTCPeerConnection({ iceServers: [] });
      pc.onicecandidate = ({ candidate }) => {
        if (candidate) send({ type: 'ICE_CANDIDATE', target, candidate: { candidate: candidate.candidate, sdpMLineIndex: candidate.sdpMLineIndex, sdpMid: candidate.sdpMid } });
      };
      pc.ondatachannel = ({ channel }) => {
        state.received = new Promise((done) => (channel.onmessage = (event) => done(event.data)));
      };
      state.pc = pc;
      return pc;
    };
    ws.onerror = () => reject(new Error('WebSocket failed'));
    ws.onopen = () => send({ type: 'REGISTER', callsign: 'GUEST' });
    ws.onmessage = async (event) => {
      const message = JSON.parse(event.data);
      if (message.type === 'REGISTERED') {
        state.clientId = message.clientId;
        resolve(message.clientId);
      } else if (message.type === 'OFFER_RECEIVED') {
        state.relayedFrom = message.from;
        const pc = state.makePeer(message.from);
        await pc.setRemoteDescription(message.offer);
        for (const candidate of state.pending.splice(0)) await pc.addIceCandidate(candidate);
        const answer = await pc.createAnswer();
        await pc.setLocalDescription(answer);
        send({ type: 'ANSWER', target: message.from, answer: { type: 'answer', sdp: answer.sdp } });
      } else if (message.type === 'ANSWER_RECEIVED') {
        await state.pc.setRemoteDescription(message.answer);
        for (const candidate of state.pending.splice(0)) await state.pc.addIceCandidate(candidate);
      } else if (message.type === 'ICE_CANDIDATE_RECEIVED') {
        if (state.pc?.remoteDescription) await state.pc.addIceCandidate(message.candidate);
        else state.pending.push(message.candidate);
      }
    };
  });
}

/** Runs in the calling page: offers a data channel to `target` and sends one message when it opens. */
async function callAndSend([target, text]) {
  const state = window.relay;
  const pc = state.makePeer(target);
  const channel = pc.createDataChannel('hello');
  const opened = new Promise((done) => (channel.onopen = done));
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  state.send({ type: 'OFFER', target, offer: { type: 'offer', sdp: offer.sdp } });
  await opened;
  channel.send(text);
}

test('two chromium pages signal through the node and a data-channel message arrives', { timeout: 90_000 }, async () => {
  const signalUrl = `${node.url.replace('http', 'ws')}/ws/signal`;
  const caller = await browser.newPage();
  const callee = await browser.newPage();
  await caller.goto(`${node.url}/api/info`);
  await callee.goto(`${node.url}/api/info`);
  const callerId = await caller.evaluate(joinRelay, signalUrl);
  const calleeId = await callee.evaluate(joinRelay, signalUrl);
  assert.notEqual(callerId, calleeId);

  await caller.evaluate(callAndSend, [calleeId, '73 de the caller']);
  await callee.waitForFunction(() => window.relay.received !== null);
  const received = await callee.evaluate(() => window.relay.received);
  assert.equal(received, '73 de the caller');
  assert.equal(await callee.evaluate(() => window.relay.relayedFrom), callerId);
});
