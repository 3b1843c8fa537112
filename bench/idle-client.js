'use strict';
// A held (idle) WebSocket client on a bare TCP socket: it upgrades, sends one registration frame,
// waits for the server's acknowledgement, then only skims frames (answering pings) without decoding
// them. Thousands of these cost the load generator little, whatever a server pushes to them
// (peer lists, PEER_JOINED), so the capacity runs measure the server.
const net = require('node:net');
const crypto = require('node:crypto');

function maskedFrame(opcode, payload) {
  const body = Buffer.from(payload);
  const mask = crypto.randomBytes(4);
  let header;
  if (body.length < 126) header = Buffer.from([0x80 | opcode, 0x80 | body.length]);
  else {
    header = Buffer.alloc(4);
    header[0] = 0x80 | opcode;
    header[1] = 0x80 | 126;
    header.writeUInt16BE(body.length, 2);
  }
  for (let i = 0; i < body.length; i++) body[i] ^= mask[i & 3];
  return Buffer.concat([header, mask, body]);
}

// Opens one client. `hello` is the text frame to send once upgraded (or null), `acknowledged` the
// marker that says the server took the client in. Resolves with { send(text), close() }.
function openIdleClient({ port, path, hello, acknowledged }) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const key = crypto.randomBytes(16).toString('base64');
    let upgraded = false;
    let done = false;
    let header = Buffer.alloc(0);
    let skip = 0;
    let watching = true;
    let seen = '';
    const client = {
      send: (text) => socket.write(maskedFrame(0x1, text)),
      close: () => socket.destroy(),
      closed: false,
    };
    const fail = (error) => {
      if (!done) {
        done = true;
        socket.destroy();
        reject(error);
      }
    };
    socket.setNoDelay(true);
    socket.on('error', fail);
    socket.on('close', () => {
      client.closed = true;
      fail(new Error('closed before acknowledgement'));
    });
    socket.on('connect', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    socket.on('data', (chunk) => {
      if (!upgraded) {
        header = Buffer.concat([header, chunk]);
        const end = header.indexOf('\r\n\r\n');
        if (end < 0) return;
        const status = header.subarray(0, header.indexOf('\r\n')).toString();
        if (!status.includes(' 101 ')) return fail(new Error(`upgrade refused: ${status}`));
        upgraded = true;
        chunk = header.subarray(end + 4);
        header = Buffer.alloc(0);
        if (hello) client.send(hello);
      }
      skim(chunk);
    });

    // Walks frame headers, skipping payloads; only pings and, until acknowledged, payloads are looked at.
    function skim(chunk) {
      const data = header.length ? Buffer.concat([header, chunk]) : chunk;
      let offset = 0;
      while (offset < data.length) {
        if (skip > 0) {
          const take = Math.min(skip, data.length - offset);
          if (watching) watch(data.subarray(offset, offset + take));
          skip -= take;
          offset += take;
          continue;
        }
        const available = data.length - offset;
        if (available < 2) break;
        const opcode = data[offset] & 0x0f;
        let length = data[offset + 1] & 0x7f;
        let start = 2;
        if (length === 126) {
          if (available < 4) break;
          length = data.readUInt16BE(offset + 2);
          start = 4;
        } else if (length === 127) {
          if (available < 10) break;
          length = Number(data.readBigUInt64BE(offset + 2));
          start = 10;
        }
        if (opcode >= 0x8) {
          if (available < start + length) break;
          if (opcode === 0x9) socket.write(maskedFrame(0xa, data.subarray(offset + start, offset + start + length)));
          if (opcode === 0x8) {
            socket.destroy();
            return;
          }
          offset += start + length;
          continue;
        }
        offset += start;
        skip = length;
      }
      header = offset < data.length ? Buffer.from(data.subarray(offset)) : Buffer.alloc(0);
    }

    function watch(bytes) {
      seen = (seen + bytes.subarray(0, 256).toString('latin1')).slice(-256);
      if (seen.includes(acknowledged)) {
        watching = false;
        done = true;
        resolve(client);
      }
    }
  });
}

module.exports = { openIdleClient, maskedFrame };
