// One browser-to-browser WebRTC session set up through the node's signaling relay: a chat channel and a
// file channel, both negotiated up front (fixed ids) so neither side waits for the other to announce them.
import type { IceCandidate, ServerMessage, SessionDescription } from '../signaling/messages';
import { FileTransferChannel, PartialFiles, type ChannelLike, type TransferEvents } from './fileTransfer';

export interface SessionSignaling {
  readonly clientId: string | null;
  offer(target: string, offer: SessionDescription): void;
  answer(target: string, answer: SessionDescription): void;
  iceCandidate(target: string, candidate: IceCandidate): void;
  on(type: 'message', listener: (message: ServerMessage) => void): () => void;
}

export type SessionState = 'new' | 'connecting' | 'open' | 'closed' | 'failed';

export interface ChatLine {
  from: 'me' | 'peer';
  text: string;
  at: number;
}

export interface SessionEvents extends TransferEvents {
  onState?: (state: SessionState) => void;
  onChat?: (line: ChatLine) => void;
}

export interface SessionOptions {
  /** Empty by default: on a mesh without internet there is no STUN server to ask. */
  iceServers?: RTCIceServer[];
  partials?: PartialFiles;
  createPeerConnection?: (config: RTCConfiguration) => RTCPeerConnection;
}

export class PeerSession {
  state: SessionState = 'new';
  readonly chat: ChatLine[] = [];
  private pc: RTCPeerConnection;
  private chatChannel: RTCDataChannel;
  private files: FileTransferChannel;
  private pendingCandidates: RTCIceCandidateInit[] = [];
  private opened = 0;

  constructor(
    private readonly signaling: SessionSignaling,
    readonly peerId: string,
    readonly events: SessionEvents = {},
    options: SessionOptions = {},
  ) {
    const create = options.createPeerConnection ?? ((config) => new RTCPeerConnection(config));
    this.pc = create({ iceServers: options.iceServers ?? [] });
    this.pc.onicecandidate = (event) => {
      if (!event.candidate) return;
      const { candidate, sdpMLineIndex, sdpMid } = event.candidate;
      this.signaling.iceCandidate(this.peerId, { candidate, sdpMLineIndex: sdpMLineIndex ?? null, sdpMid: sdpMid ?? null });
    };
    this.pc.onconnectionstatechange = () => {
      if (this.pc.connectionState === 'failed') this.setState('failed');
      if (this.pc.connectionState === 'closed') this.setState('closed');
    };
    this.chatChannel = this.pc.createDataChannel('chat', { negotiated: true, id: 0, ordered: true });
    const fileChannel = this.pc.createDataChannel('file', { negotiated: true, id: 1, ordered: true });
    this.chatChannel.onmessage = (event) => this.addChat({ from: 'peer', text: String(event.data), at: Date.now() });
    for (const channel of [this.chatChannel, fileChannel]) {
      channel.addEventListener('open', () => ++this.opened === 2 && this.setState('open'));
      channel.addEventListener('close', () => this.state === 'open' && this.setState('closed'));
    }
    this.files = new FileTransferChannel(fileChannel as unknown as ChannelLike, events, options.partials);
  }

  /** The calling side: makes the offer and sends it through the node. */
  async call(): Promise<void> {
    this.setState('connecting');
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    this.signaling.offer(this.peerId, { type: 'offer', sdp: offer.sdp! });
  }

  async handle(message: ServerMessage): Promise<void> {
    switch (message.type) {
      case 'OFFER_RECEIVED': {
        this.setState('connecting');
        await this.pc.setRemoteDescription(message.offer);
        await this.flushCandidates();
        const answer = await this.pc.createAnswer();
        await this.pc.setLocalDescription(answer);
        this.signaling.answer(this.peerId, { type: 'answer', sdp: answer.sdp! });
        return;
      }
      case 'ANSWER_RECEIVED':
        await this.pc.setRemoteDescription(message.answer);
        await this.flushCandidates();
        return;
      case 'ICE_CANDIDATE_RECEIVED':
        // Candidates can overtake the description they belong to; hold them until it is set.
        if (this.pc.remoteDescription) await this.pc.addIceCandidate(message.candidate);
        else this.pendingCandidates.push(message.candidate);
        return;
      default:
        return;
    }
  }

  sendChat(text: string): void {
    if (this.chatChannel.readyState !== 'open') throw new Error('The connection to this station is not open.');
    this.chatChannel.send(text);
    this.addChat({ from: 'me', text, at: Date.now() });
  }

  sendFile(file: File): Promise<{ verified: boolean; resumedFrom: number; sent: number }> {
    return this.files.send(file);
  }

  close(): void {
    this.pc.close();
    this.setState('closed');
  }

  private async flushCandidates(): Promise<void> {
    for (const candidate of this.pendingCandidates.splice(0)) await this.pc.addIceCandidate(candidate);
  }

  private addChat(line: ChatLine): void {
    this.chat.push(line);
    this.events.onChat?.(line);
  }

  private setState(state: SessionState): void {
    if (this.state === state) return;
    this.state = state;
    this.events.onState?.(state);
  }
}

/** Routes the node's relayed messages to the session for their sender, creating one for each new caller. */
export class SessionManager {
  private sessions = new Map<string, PeerSession>();
  private readonly partials = new PartialFiles();
  private stop: () => void;

  constructor(
    private readonly signaling: SessionSignaling,
    private readonly eventsFor: (peerId: string) => SessionEvents,
    private readonly onIncoming: (session: PeerSession) => void,
    private readonly options: Omit<SessionOptions, 'partials'> = {},
  ) {
    this.stop = signaling.on('message', (message) => {
      if (message.type !== 'OFFER_RECEIVED' && message.type !== 'ANSWER_RECEIVED' && message.type !== 'ICE_CANDIDATE_RECEIVED') return;
      let session = this.sessions.get(message.from);
      if (message.type === 'OFFER_RECEIVED' && (!session || session.state === 'closed' || session.state === 'failed')) {
        session = this.create(message.from);
        this.onIncoming(session);
      }
      void session?.handle(message);
    });
  }

  get(peerId: string): PeerSession | undefined {
    return this.sessions.get(peerId);
  }

  /** Calls a peer, replacing any finished session with it. */
  async call(peerId: string): Promise<PeerSession> {
    const existing = this.sessions.get(peerId);
    if (existing && (existing.state === 'open' || existing.state === 'connecting')) return existing;
    const session = this.create(peerId);
    await session.call();
    return session;
  }

  dispose(): void {
    this.stop();
    this.sessions.forEach((session) => session.close());
    this.sessions.clear();
  }

  private create(peerId: string): PeerSession {
    this.sessions.get(peerId)?.close();
    const session = new PeerSession(this.signaling, peerId, this.eventsFor(peerId), { ...this.options, partials: this.partials });
    this.sessions.set(peerId, session);
    return session;
  }
}
