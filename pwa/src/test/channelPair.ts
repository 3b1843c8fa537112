// Two connected in-memory channels with RTCDataChannel's shape: messages are delivered asynchronously and in
// order, and either side can be cut to test what a dropped connection does.
import type { ChannelLike } from '../lib/webrtc/fileTransfer';

type Listener = (event?: { data: unknown }) => void;

export class MemoryChannel implements ChannelLike {
  readyState = 'open';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  binaryType = 'blob';
  peer!: MemoryChannel;
  sentBinaryBytes = 0;
  /** Drops messages after this many binary sends, as a connection that dies mid-transfer. */
  cutAfterBinarySends = Infinity;
  /** Changes one byte of the n-th binary message, as corruption the hash must catch. */
  corruptBinarySend: number | null = null;
  private binarySends = 0;
  private listeners = new Map<string, Set<Listener>>();

  send(data: string | ArrayBuffer): void {
    if (this.readyState !== 'open') throw new Error('channel closed');
    if (typeof data !== 'string') {
      this.binarySends++;
      if (this.binarySends > this.cutAfterBinarySends) return this.cut();
      this.sentBinaryBytes += data.byteLength - 4;
      if (this.binarySends === this.corruptBinarySend) {
        data = data.slice(0);
        new Uint8Array(data)[10] ^= 0xff;
      } else {
        data = data.slice(0);
      }
    }
    const peer = this.peer;
    queueMicrotask(() => peer.emit('message', { data }));
  }

  cut(): void {
    for (const side of [this, this.peer]) {
      if (side.readyState === 'closed') continue;
      side.readyState = 'closed';
      queueMicrotask(() => side.emit('close'));
    }
  }

  addEventListener(type: string, listener: (event: never) => void): void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener as Listener);
  }

  removeEventListener(type: string, listener: (event: never) => void): void {
    this.listeners.get(type)?.delete(listener as Listener);
  }

  private emit(type: string, event?: { data: unknown }): void {
    this.listeners.get(type)?.forEach((listener) => listener(event));
  }
}

export function channelPair(): [MemoryChannel, MemoryChannel] {
  const a = new MemoryChannel();
  const b = new MemoryChannel();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
