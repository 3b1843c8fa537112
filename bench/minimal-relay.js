'use strict';
// The floor: the /ws/signal protocol (with REGISTER's peerEvents) relayed by Node and `ws` alone, no limits, no actors.
// Usage: node minimal-relay.js PORT   (binds 127.0.0.1; GET /readyz answers 200 once listening)
const http = require('node:http');
const crypto = require('node:crypto');
const { WebSocketServer } = require('ws');

const port = Number(process.argv[2] ?? 0);
const clients = new Map();
const byCallsign = new Map();

const server = http.createServer((request, response) => {
  response.writeHead(request.url === '/readyz' ? 200 : 404, { 'content-type': 'text/plain' });
  response.end(request.url === '/readyz' ? 'ready' : 'not found');
});
const wss = new WebSocketServer({ server, path: '/ws/signal', maxPayload: 64 * 1024 });

function error(socket, code, details) {
  socket.send(JSON.stringify({ type: 'ERROR', error: code, details }));
}

function broadcast(except, message) {
  const frame = JSON.stringify(message);
  for (const client of clients.values()) if (client !== except && client.peerEvents) client.socket.send(frame);
}

const relayed = { OFFER: ['OFFER_RECEIVED', 'offer'], ANSWER: ['ANSWER_RECEIVED', 'answer'], ICE_CANDIDATE: ['ICE_CANDIDATE_RECEIVED', 'candidate'] };

wss.on('connection', (socket) => {
  let self = null;
  socket.send(JSON.stringify({ type: 'HELLO', nonce: crypto.randomBytes(16).toString('base64url'), serverOwner: null, version: 'minimal-relay' }));
  socket.on('message', (data, isBinary) => {
    let message;
    try {
      message = JSON.parse(isBinary ? '' : data.toString());
    } catch {
      error(socket, 'INVALID_JSON', 'The message is not JSON.');
      return;
    }
    const type = message?.type;
    if (type === 'REGISTER') {
      if (self) return error(socket, 'ALREADY_REGISTERED', 'This connection is registered.');
      const callsign = typeof message.callsign === 'string' ? message.callsign.toUpperCase() : 'GUEST';
      const peers = [...clients.values()].map((client) => client.peer);
      // REGISTER's peerEvents: false means no PEER_JOINED/PEER_LEFT for this client.
      self = { socket, peer: { id: crypto.randomUUID(), callsign, hasLicense: false }, peerEvents: message.peerEvents !== false };
      clients.set(self.peer.id, self);
      if (callsign !== 'GUEST') byCallsign.set(callsign, self);
      socket.send(JSON.stringify({ type: 'REGISTERED', clientId: self.peer.id, serverOwner: null, peers }));
      broadcast(self, { type: 'PEER_JOINED', peer: self.peer });
      return;
    }
    if (!self) return error(socket, 'NOT_REGISTERED', 'Send REGISTER first.');
    const relay = relayed[type];
    if (relay) {
      const target = clients.get(message.target) ?? byCallsign.get(message.target);
      if (!target) return error(socket, 'UNKNOWN_TARGET', 'No such client.');
      target.socket.send(JSON.stringify({ type: relay[0], from: self.peer.id, fromCallsign: self.peer.callsign, [relay[1]]: message[relay[1]] }));
      return;
    }
    if (type === 'LIST_PEERS') {
      socket.send(JSON.stringify({ type: 'PEERS', peers: [...clients.values()].filter((c) => c !== self).map((c) => c.peer) }));
      return;
    }
    error(socket, 'UNKNOWN_TYPE', 'Unknown message type.');
  });
  socket.on('close', () => {
    if (!self) return;
    clients.delete(self.peer.id);
    if (byCallsign.get(self.peer.callsign) === self) byCallsign.delete(self.peer.callsign);
    broadcast(self, { type: 'PEER_LEFT', peerId: self.peer.id });
  });
  socket.on('error', () => socket.terminate());
});

server.listen(port, '127.0.0.1', () => console.log(`minimal relay listening on ${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));
