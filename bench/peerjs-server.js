'use strict';
// The PeerJS server (npm `peer`, pinned in package.json) on 127.0.0.1, as its own CLI would start it,
// with the concurrent-client limit raised so the capacity levels measure the server, not its cap.
// Usage: node peerjs-server.js PORT   (GET / answers 200 once listening)
const { PeerServer } = require('peer');

const port = Number(process.argv[2] ?? 9000);
PeerServer({ host: '127.0.0.1', port, path: '/', key: 'peerjs', concurrent_limit: 1_000_000 }, (server) => {
  console.log(`peerjs listening on ${server.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
