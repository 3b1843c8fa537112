// A WebSocket server on 127.0.0.1 that tests drive by hand, standing in for the node's /ws/signal.
import { WebSocketServer, WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import type { SocketLike } from '../lib/signaling/client';

export interface NodeConnection {
  socket: WebSocket;
  next(): Promise<Record<string, unknown>>;
  send(message: object): void;
}

export class ScriptedNode {
  private server!: WebSocketServer;
  private waiting: Array<(c: NodeConnection) => void> = [];
  private queued: NodeConnection[] = [];
  url = '';

  async start(): Promise<this> {
    this.server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws/signal' });
    await new Promise<void>((resolve) => this.server.once('listening', resolve));
    this.url = `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/ws/signal`;
    this.server.on('connection', (socket) => {
      const inbox: Record<string, unknown>[] = [];
      const readers: Array<(m: Record<string, unknown>) => void> = [];
      socket.on('message', (data) => {
        const message = JSON.parse(String(data));
        const reader = readers.shift();
        if (reader) reader(message);
        else inbox.push(message);
      });
      const connection: NodeConnection = {
        socket,
        next: () => (inbox.length ? Promise.resolve(inbox.shift()!) : new Promise((resolve) => readers.push(resolve))),
        send: (message) => socket.send(JSON.stringify(message)),
      };
      const waiter = this.waiting.shift();
      if (waiter) waiter(connection);
      else this.queued.push(connection);
    });
    return this;
  }

  /** The next browser connection to arrive. */
  accept(): Promise<NodeConnection> {
    const queued = this.queued.shift();
    return queued ? Promise.resolve(queued) : new Promise((resolve) => this.waiting.push(resolve));
  }

  async stop(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export const createSocket = (url: string): SocketLike => new WebSocket(url) as unknown as SocketLike;
