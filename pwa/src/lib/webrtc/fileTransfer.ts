// Files over one reliable, ordered data channel: an offer names the file and its SHA-256, the receiver
// answers with how much it already holds (resume after a dropped channel), chunks follow with
// back-pressure, and the receiver checks the hash before it hands the file over.
import { ProgressMeter, type ProgressSnapshot } from './progress';

export const CHUNK_SIZE = 16 * 1024;
const HIGH_WATER = 1024 * 1024;
const HEADER = 4;
const CUT_SHORT = 'The connection closed before the file was complete; send it again to resume.';

/** The part of RTCDataChannel a transfer uses. */
export interface ChannelLike {
  readonly readyState: string;
  bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  binaryType: string;
  send(data: string | ArrayBuffer): void;
  addEventListener(type: 'message' | 'bufferedamountlow' | 'close', listener: (event: never) => void): void;
  removeEventListener(type: 'message' | 'bufferedamountlow' | 'close', listener: (event: never) => void): void;
}

type Control =
  | { t: 'offer'; id: number; name: string; size: number; type: string; sha256: string }
  | { t: 'accept'; id: number; offset: number }
  | { t: 'decline'; id: number }
  | { t: 'done'; id: number }
  | { t: 'verified'; id: number; ok: boolean };

export interface IncomingFile {
  name: string;
  type: string;
  size: number;
  sha256: string;
}

export interface ReceivedFile extends IncomingFile {
  blob: Blob;
  verified: boolean;
  resumedFrom: number;
}

export interface TransferEvents {
  /** Sending or receiving progress of the transfer in flight. */
  onProgress?: (direction: 'send' | 'receive', file: IncomingFile, progress: ProgressSnapshot) => void;
  onReceived?: (file: ReceivedFile) => void;
  /** Decide whether to take an offered file; default yes. */
  acceptOffer?: (file: IncomingFile) => boolean;
}

export async function sha256Hex(data: ArrayBuffer | Blob): Promise<string> {
  const buffer = data instanceof Blob ? await data.arrayBuffer() : data;
  const digest = await crypto.subtle.digest('SHA-256', buffer);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

interface Partial {
  file: IncomingFile;
  chunks: ArrayBuffer[];
  received: number;
  resumedFrom: number;
}

/**
 * Partially received files outlive the channel they came on, keyed by content hash, so a transfer cut by a
 * dropped connection continues where it stopped on the next channel.
 */
export class PartialFiles {
  private byHash = new Map<string, Partial>();
  get(file: IncomingFile): Partial | undefined {
    const partial = this.byHash.get(file.sha256);
    return partial && partial.file.size === file.size ? partial : undefined;
  }
  put(partial: Partial): void {
    this.byHash.set(partial.file.sha256, partial);
  }
  delete(sha256: string): void {
    this.byHash.delete(sha256);
  }
}

export class FileTransferChannel {
  private nextId = 1;
  private waitingForAnswer = new Map<number, (answer: Control) => void>();
  private waitingForVerdict = new Map<number, (ok: boolean) => void>();
  private incoming: { id: number; partial: Partial; meter: ProgressMeter } | null = null;

  constructor(
    private readonly channel: ChannelLike,
    private readonly events: TransferEvents = {},
    private readonly partials = new PartialFiles(),
    private readonly now?: () => number,
  ) {
    channel.binaryType = 'arraybuffer';
    channel.bufferedAmountLowThreshold = HIGH_WATER / 4;
    channel.addEventListener('message', (event: { data: unknown }) => void this.receive(event.data));
    channel.addEventListener('close', () => this.closed());
  }

  /** Sends a file; resolves with whether the receiver's SHA-256 matched and how many bytes were skipped by resuming. */
  async send(file: Blob & { name?: string }): Promise<{ verified: boolean; resumedFrom: number; sent: number }> {
    const data = await file.arrayBuffer();
    const offer: Control & { t: 'offer' } = {
      t: 'offer',
      id: this.nextId++,
      name: file.name ?? 'file',
      size: data.byteLength,
      type: file.type || 'application/octet-stream',
      sha256: await sha256Hex(data),
    };
    const answer = await new Promise<Control>((resolve, reject) => {
      this.waitingForAnswer.set(offer.id, resolve);
      this.failOnClose(offer.id, reject);
      this.control(offer);
    });
    if (answer.t !== 'accept') throw new Error(`${offer.name} was declined.`);
    const verdict = new Promise<boolean>((resolve, reject) => {
      this.waitingForVerdict.set(offer.id, resolve);
      this.failOnClose(offer.id, reject);
    });
    // The verdict may fail while chunks are still going out; that failure is reported by the loop below.
    verdict.catch(() => undefined);
    const meter = new ProgressMeter(offer.size, this.now);
    let sent = 0;
    for (let offset = answer.offset; offset < offer.size; offset += CHUNK_SIZE) {
      if (this.channel.bufferedAmount > HIGH_WATER) await this.drained();
      if (this.channel.readyState !== 'open') throw new Error(CUT_SHORT);
      const piece = new Uint8Array(Math.min(CHUNK_SIZE, offer.size - offset) + HEADER);
      new DataView(piece.buffer).setUint32(0, offer.id);
      piece.set(new Uint8Array(data, offset, piece.length - HEADER), HEADER);
      this.channel.send(piece.buffer);
      sent += piece.length - HEADER;
      this.events.onProgress?.('send', offer, meter.update(offset + piece.length - HEADER));
    }
    this.control({ t: 'done', id: offer.id });
    return { verified: await verdict, resumedFrom: answer.offset, sent };
  }

  private failOnClose(id: number, reject: (error: Error) => void): void {
    const onClose = () => {
      if (this.waitingForAnswer.delete(id) || this.waitingForVerdict.delete(id)) reject(new Error(CUT_SHORT));
    };
    this.channel.addEventListener('close', onClose);
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const onLow = () => {
        this.channel.removeEventListener('bufferedamountlow', onLow);
        resolve();
      };
      this.channel.addEventListener('bufferedamountlow', onLow);
    });
  }

  private control(message: Control): void {
    this.channel.send(JSON.stringify(message));
  }

  private async receive(data: unknown): Promise<void> {
    if (typeof data === 'string') return this.receiveControl(JSON.parse(data) as Control);
    const buffer = data instanceof ArrayBuffer ? data : data instanceof Uint8Array ? data.slice().buffer : null;
    if (!buffer || !this.incoming) return;
    if (new DataView(buffer).getUint32(0) !== this.incoming.id) return;
    const { partial, meter } = this.incoming;
    partial.chunks.push(buffer.slice(HEADER));
    partial.received += buffer.byteLength - HEADER;
    this.events.onProgress?.('receive', partial.file, meter.update(partial.received));
  }

  private async receiveControl(message: Control): Promise<void> {
    switch (message.t) {
      case 'offer': {
        const file: IncomingFile = { name: message.name, type: message.type, size: message.size, sha256: message.sha256 };
        if (this.events.acceptOffer && !this.events.acceptOffer(file)) return this.control({ t: 'decline', id: message.id });
        const partial = this.partials.get(file) ?? { file, chunks: [], received: 0, resumedFrom: 0 };
        partial.resumedFrom = partial.received;
        this.partials.put(partial);
        this.incoming = { id: message.id, partial, meter: new ProgressMeter(file.size, this.now) };
        return this.control({ t: 'accept', id: message.id, offset: partial.received });
      }
      case 'accept':
      case 'decline':
        this.waitingForAnswer.get(message.id)?.(message);
        this.waitingForAnswer.delete(message.id);
        return;
      case 'done': {
        const incoming = this.incoming;
        if (!incoming || incoming.id !== message.id) return;
        this.incoming = null;
        const { partial } = incoming;
        const blob = new Blob(partial.chunks, { type: partial.file.type });
        const verified = blob.size === partial.file.size && (await sha256Hex(blob)) === partial.file.sha256;
        this.partials.delete(partial.file.sha256);
        this.control({ t: 'verified', id: message.id, ok: verified });
        this.events.onReceived?.({ ...partial.file, blob, verified, resumedFrom: partial.resumedFrom });
        return;
      }
      case 'verified':
        this.waitingForVerdict.get(message.id)?.(message.ok);
        this.waitingForVerdict.delete(message.id);
        return;
    }
  }

  private closed(): void {
    this.incoming = null;
  }
}
