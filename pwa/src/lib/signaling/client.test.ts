import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { SignalingClient } from './client';
import { backoffDelay } from './backoff';
import { ScriptedNode, createSocket } from '../../test/scriptedNode';
import { NodeError } from '../errors';

const fastBackoff = { initialMs: 10, maxMs: 50, factor: 2, jitter: 0 };
let node: ScriptedNode;
let client: SignalingClient;

beforeEach(async () => {
  node = await new ScriptedNode().start();
  client = new SignalingClient({ url: node.url, createSocket, backoff: fastBackoff });
});

afterEach(async () => {
  client.close();
  await node.stop();
});

const peerA = { id: 'a', callsign: 'W1AW', hasLicense: true };
const peerB = { id: 'b', callsign: 'GUEST', hasLicense: false };

describe('SignalingClient', () => {
  test('a guest registration sends REGISTER and resolves with the peer list minus itself', async () => {
    const registered = client.register({ callsign: 'GUEST' });
    const connection = await node.accept();
    connection.send({ type: 'HELLO', nonce: 'n1', serverOwner: null, version: '0.1.0' });
    expect(await connection.next()).toEqual({ type: 'REGISTER', callsign: 'GUEST' });
    connection.send({ type: 'REGISTERED', clientId: 'me', serverOwner: 'K1ABC', peers: [peerA, { id: 'me', callsign: 'GUEST', hasLicense: false }] });
    const reply = await registered;
    expect(reply.clientId).toBe('me');
    expect(client.peers).toEqual([peerA]);
    expect(client.state).toBe('registered');
    expect(client.serverOwner).toBe('K1ABC');
  });

  test('a licensed registration signs the HELLO nonce and sends the certificate', async () => {
    const registered = client.register({ callsign: 'W1AW', certificate: 'PEM', signNonce: async (nonce) => `signed:${nonce}` });
    const connection = await node.accept();
    connection.send({ type: 'HELLO', nonce: 'abc123', serverOwner: null, version: '0.1.0' });
    expect(await connection.next()).toEqual({ type: 'REGISTER', callsign: 'W1AW', certificate: 'PEM', signature: 'signed:abc123' });
    connection.send({ type: 'REGISTERED', clientId: 'c1', serverOwner: null, peers: [] });
    await expect(registered).resolves.toMatchObject({ clientId: 'c1' });
  });

  test('an ERROR in reply to REGISTER rejects with a sentence and the stable code', async () => {
    const registered = client.register({ callsign: 'NOT A CALL' });
    const connection = await node.accept();
    await connection.next();
    connection.send({ type: 'ERROR', error: 'INVALID_CALLSIGN', details: 'bad', inReplyTo: 'REGISTER' });
    const error = await registered.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeError);
    expect((error as NodeError).code).toBe('INVALID_CALLSIGN');
    expect((error as NodeError).message).toMatch(/not a valid callsign/);
  });

  test('peer joins and leaves keep the peer list current', async () => {
    const registered = client.register({ callsign: 'GUEST' });
    const connection = await node.accept();
    await connection.next();
    connection.send({ type: 'REGISTERED', clientId: 'me', serverOwner: null, peers: [] });
    await registered;
    const lists: string[][] = [];
    client.on('peers', (peers) => lists.push(peers.map((p) => p.id)));
    connection.send({ type: 'PEER_JOINED', peer: peerA });
    connection.send({ type: 'PEER_JOINED', peer: peerB });
    connection.send({ type: 'PEER_LEFT', peerId: 'a' });
    await expect.poll(() => lists.length).toBe(3);
    expect(lists).toEqual([['a'], ['a', 'b'], ['b']]);
  });

  test('offers, answers and candidates go out in the protocol shape and arrive as events', async () => {
    const registered = client.register({ callsign: 'GUEST' });
    const connection = await node.accept();
    await connection.next();
    connection.send({ type: 'REGISTERED', clientId: 'me', serverOwner: null, peers: [peerA] });
    await registered;
    client.offer('a', { type: 'offer', sdp: 'v=0 offer' });
    client.answer('W1AW', { type: 'answer', sdp: 'v=0 answer' });
    client.iceCandidate('a', { candidate: 'candidate:1', sdpMLineIndex: 0, sdpMid: '0' });
    expect(await connection.next()).toEqual({ type: 'OFFER', target: 'a', offer: { type: 'offer', sdp: 'v=0 offer' } });
    expect(await connection.next()).toEqual({ type: 'ANSWER', target: 'W1AW', answer: { type: 'answer', sdp: 'v=0 answer' } });
    expect(await connection.next()).toEqual({ type: 'ICE_CANDIDATE', target: 'a', candidate: { candidate: 'candidate:1', sdpMLineIndex: 0, sdpMid: '0' } });
    const received = new Promise((resolve) => client.on('message', (m) => m.type === 'OFFER_RECEIVED' && resolve(m)));
    connection.send({ type: 'OFFER_RECEIVED', from: 'a', fromCallsign: 'W1AW', offer: { type: 'offer', sdp: 'x' } });
    await expect(received).resolves.toMatchObject({ from: 'a', fromCallsign: 'W1AW' });
  });

  test('LIST_PEERS resolves with the PEERS reply', async () => {
    const registered = client.register({ callsign: 'GUEST' });
    const connection = await node.accept();
    await connection.next();
    connection.send({ type: 'REGISTERED', clientId: 'me', serverOwner: null, peers: [] });
    await registered;
    const listed = client.listPeers();
    expect(await connection.next()).toEqual({ type: 'LIST_PEERS' });
    connection.send({ type: 'PEERS', peers: [peerA, peerB] });
    expect((await listed).map((p) => p.callsign)).toEqual(['W1AW', 'GUEST']);
  });

  test('when the node closes with 1012 the client reconnects and registers again', async () => {
    const states: string[] = [];
    client.on('state', (s) => states.push(s.state));
    const first = client.register({ callsign: 'GUEST' });
    const one = await node.accept();
    await one.next();
    one.send({ type: 'REGISTERED', clientId: 'first', serverOwner: null, peers: [peerA] });
    await first;
    const reRegistered = new Promise((resolve) => client.on('registered', resolve));
    one.socket.close(1012, 'node re-forming');
    const two = await node.accept();
    expect(await two.next()).toEqual({ type: 'REGISTER', callsign: 'GUEST' });
    two.send({ type: 'REGISTERED', clientId: 'second', serverOwner: null, peers: [] });
    await reRegistered;
    expect(client.clientId).toBe('second');
    expect(states).toContain('waiting');
    expect(client.peers).toEqual([]);
  });

  test('a closed client does not reconnect', async () => {
    client.connect();
    const connection = await node.accept();
    client.close();
    await new Promise((resolve) => connection.socket.once('close', resolve));
    expect(client.state).toBe('closed');
  });
});

describe('backoffDelay', () => {
  const policy = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.3 };

  test('grows by the factor and stops at the maximum', () => {
    const middle = () => 0.5;
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, policy, middle))).toEqual([500, 1000, 2000, 4000, 30_000]);
  });

  test('stays within the jitter band', () => {
    expect(backoffDelay(2, policy, () => 0)).toBe(1400);
    expect(backoffDelay(2, policy, () => 1)).toBe(2600);
  });
});
