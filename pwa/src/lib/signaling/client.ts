// A /ws/signal client: registration (guest or licensed), relay of offers/answers/candidates,
// a live peer list, and reconnection with backoff that re-registers by itself.
import { describeClose, NodeError } from '../errors';
import { backoffDelay, defaultBackoff, type BackoffPolicy } from './backoff';
import {
  parseServerMessage,
  type ClientMessage,
  type Hello,
  type IceCandidate,
  type PeerSummary,
  type Registered,
  type ServerMessage,
  type SessionDescription,
} from './messages';

/** The part of the browser WebSocket this client uses, so tests can hand in another implementation. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface Registration {
  callsign: string;
  certificate?: string;
  /** Signs the node's HELLO nonce with the operator's key; returns base64. Only for licensed registration. */
  signNonce?: (nonce: string) => Promise<string>;
}

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'registered' | 'waiting' | 'closed';

export interface SignalingEvents {
  state: { state: ConnectionState; detail?: string };
  message: ServerMessage;
  peers: PeerSummary[];
  hello: Hello;
  registered: Registered;
  error: NodeError;
}

export interface SignalingClientOptions {
  url: string;
  createSocket?: (url: string) => SocketLike;
  backoff?: BackoffPolicy;
  random?: () => number;
  /** How long a licensed registration waits for the node's HELLO nonce. */
  helloTimeoutMs?: number;
}

type Listener<T> = (value: T) => void;

const OPEN = 1;
const RATE_ABUSE = 1008;

export class SignalingClient {
  private socket: SocketLike | null = null;
  private listeners = new Map<keyof SignalingEvents, Set<Listener<never>>>();
  private registration: Registration | null = null;
  private hello: Hello | null = null;
  private helloWaiters: Array<(hello: Hello) => void> = [];
  private pendingRegister: { resolve: (r: Registered) => void; reject: (e: Error) => void } | null = null;
  private pendingPeers: Array<{ resolve: (p: PeerSummary[]) => void; reject: (e: Error) => void }> = [];
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private stopped = true;
  private peerMap = new Map<string, PeerSummary>();

  state: ConnectionState = 'idle';
  clientId: string | null = null;
  serverOwner: string | null = null;
  nodeVersion: string | null = null;

  constructor(private readonly options: SignalingClientOptions) {}

  get peers(): PeerSummary[] {
    return [...this.peerMap.values()];
  }

  on<K extends keyof SignalingEvents>(type: K, listener: Listener<SignalingEvents[K]>): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set!.delete(listener as Listener<never>);
  }

  /** Opens the socket; after an unexpected close it reconnects with backoff until close() is called. */
  connect(): void {
    this.stopped = false;
    this.open();
  }

  /** Connects if needed and registers; the same registration is replayed after every reconnect. */
  register(registration: Registration): Promise<Registered> {
    this.registration = registration;
    if (this.stopped) this.connect();
    return new Promise<Registered>((resolve, reject) => {
      this.pendingRegister?.reject(new Error('Replaced by a newer registration.'));
      this.pendingRegister = { resolve, reject };
      if (this.socket?.readyState === OPEN) void this.sendRegister();
    });
  }

  offer(target: string, offer: SessionDescription): void {
    this.send({ type: 'OFFER', target, offer: { type: 'offer', sdp: offer.sdp } });
  }

  answer(target: string, answer: SessionDescription): void {
    this.send({ type: 'ANSWER', target, answer: { type: 'answer', sdp: answer.sdp } });
  }

  iceCandidate(target: string, candidate: IceCandidate): void {
    this.send({ type: 'ICE_CANDIDATE', target, candidate });
  }

  listPeers(): Promise<PeerSummary[]> {
    return new Promise((resolve, reject) => {
      this.pendingPeers.push({ resolve, reject });
      this.send({ type: 'LIST_PEERS' });
    });
  }

  close(): void {
    this.stopped = true;
    this.registration = null;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.socket?.close(1000, 'client closing');
    this.socket = null;
    this.failPending(new Error('The connection was closed.'));
    this.setState('closed');
  }

  private open(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.hello = null;
    this.clientId = null;
    this.setState('connecting');
    const create = this.options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
    const socket = create(this.options.url);
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      this.setState('open');
      if (this.registration) void this.sendRegister();
    };
    socket.onmessage = (event) => {
      if (this.socket === socket && typeof event.data === 'string') this.receive(event.data);
    };
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.clientId = null;
      this.peerMap.clear();
      this.emit('peers', []);
      if (this.stopped) return;
      this.scheduleReconnect(event.code, event.reason);
    };
  }

  private scheduleReconnect(code: number, reason: string): void {
    const policy = this.options.backoff ?? defaultBackoff;
    const delay = code === RATE_ABUSE ? policy.maxMs : backoffDelay(this.attempt, policy, this.options.random);
    this.attempt++;
    this.setState('waiting', describeClose(code, reason));
    this.reconnectTimer = setTimeout(() => this.open(), delay);
  }

  private async sendRegister(): Promise<void> {
    const registration = this.registration;
    if (!registration) return;
    const message: ClientMessage = { type: 'REGISTER', callsign: registration.callsign };
    try {
      if (registration.signNonce && registration.certificate) {
        const hello = await this.waitForHello();
        message.certificate = registration.certificate;
        message.signature = await registration.signNonce(hello.nonce);
      }
      this.send(message);
    } catch (error) {
      this.rejectRegister(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private waitForHello(): Promise<Hello> {
    if (this.hello) return Promise.resolve(this.hello);
    const timeoutMs = this.options.helloTimeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('The node sent no HELLO nonce to sign, so a licensed registration is not possible.')), timeoutMs);
      this.helloWaiters.push((hello) => {
        clearTimeout(timer);
        resolve(hello);
      });
    });
  }

  private send(message: ClientMessage): void {
    if (this.socket?.readyState !== OPEN) throw new NodeError('NETWORK', 'not connected');
    this.socket.send(JSON.stringify(message));
  }

  private receive(text: string): void {
    const message = parseServerMessage(text);
    if (!message) return;
    switch (message.type) {
      case 'HELLO':
        this.hello = message;
        this.serverOwner = message.serverOwner;
        this.nodeVersion = message.version;
        this.helloWaiters.splice(0).forEach((waiter) => waiter(message));
        this.emit('hello', message);
        break;
      case 'REGISTERED':
        this.clientId = message.clientId;
        this.serverOwner = message.serverOwner;
        this.replacePeers(message.peers);
        this.setState('registered');
        this.pendingRegister?.resolve(message);
        this.pendingRegister = null;
        this.emit('registered', message);
        break;
      case 'PEER_JOINED':
        if (message.peer.id !== this.clientId) {
          this.peerMap.set(message.peer.id, message.peer);
          this.emit('peers', this.peers);
        }
        break;
      case 'PEER_LEFT':
        if (this.peerMap.delete(message.peerId)) this.emit('peers', this.peers);
        break;
      case 'PEERS':
        this.replacePeers(message.peers);
        this.pendingPeers.shift()?.resolve(this.peers);
        break;
      case 'ERROR':
        this.handleError(message.error, message.details, message.inReplyTo);
        break;
    }
    this.emit('message', message);
  }

  private handleError(code: string, details?: string, inReplyTo?: string): void {
    const error = new NodeError(code, details);
    const aboutRegister =
      inReplyTo === 'REGISTER' ||
      (!inReplyTo && this.pendingRegister && ['INVALID_CALLSIGN', 'INVALID_CERTIFICATE', 'ALREADY_REGISTERED', 'INVALID_MESSAGE'].includes(code));
    if (aboutRegister && this.pendingRegister) this.rejectRegister(error);
    else if (inReplyTo === 'LIST_PEERS') this.pendingPeers.shift()?.reject(error);
    this.emit('error', error);
  }

  private rejectRegister(error: Error): void {
    const pending = this.pendingRegister;
    this.pendingRegister = null;
    // A refused registration must not be replayed on every reconnect.
    this.registration = null;
    pending?.reject(error);
  }

  private replacePeers(peers: PeerSummary[]): void {
    this.peerMap = new Map(peers.filter((peer) => peer.id !== this.clientId).map((peer) => [peer.id, peer]));
    this.emit('peers', this.peers);
  }

  private failPending(error: Error): void {
    this.pendingRegister?.reject(error);
    this.pendingRegister = null;
    this.pendingPeers.splice(0).forEach((pending) => pending.reject(error));
  }

  private setState(state: ConnectionState, detail?: string): void {
    this.state = state;
    this.emit('state', { state, detail });
  }

  private emit<K extends keyof SignalingEvents>(type: K, value: SignalingEvents[K]): void {
    this.listeners.get(type)?.forEach((listener) => (listener as Listener<SignalingEvents[K]>)(value));
  }
}
