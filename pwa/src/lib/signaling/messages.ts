// The /ws/signal messages as the node speaks them (shared/protocol.md, contracts/).

export type ClientId = string;

export interface PeerSummary {
  id: ClientId;
  callsign: string;
  hasLicense: boolean;
}

export interface SessionDescription {
  type: 'offer' | 'answer';
  sdp: string;
}

export interface IceCandidate {
  candidate: string;
  sdpMLineIndex: number | null;
  sdpMid: string | null;
}

export type SignalingErrorCode =
  | 'INVALID_JSON'
  | 'INVALID_MESSAGE'
  | 'UNKNOWN_TYPE'
  | 'NOT_REGISTERED'
  | 'ALREADY_REGISTERED'
  | 'INVALID_CALLSIGN'
  | 'INVALID_CERTIFICATE'
  | 'UNKNOWN_TARGET'
  | 'MESSAGE_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'ICE_LIMIT'
  | 'BINARY_NOT_SUPPORTED';

export type ClientMessage =
  | { type: 'REGISTER'; callsign: string; certificate?: string; signature?: string }
  | { type: 'OFFER'; target: string; offer: SessionDescription }
  | { type: 'ANSWER'; target: string; answer: SessionDescription }
  | { type: 'ICE_CANDIDATE'; target: string; candidate: IceCandidate }
  | { type: 'LIST_PEERS' };

export interface Hello { type: 'HELLO'; nonce: string; serverOwner: string | null; version: string }
export interface Registered { type: 'REGISTERED'; clientId: ClientId; serverOwner: string | null; peers: PeerSummary[] }
export interface PeerJoined { type: 'PEER_JOINED'; peer: PeerSummary }
export interface PeerLeft { type: 'PEER_LEFT'; peerId: ClientId }
export interface OfferReceived { type: 'OFFER_RECEIVED'; from: ClientId; fromCallsign?: string; offer: SessionDescription }
export interface AnswerReceived { type: 'ANSWER_RECEIVED'; from: ClientId; fromCallsign?: string; answer: SessionDescription }
export interface IceCandidateReceived { type: 'ICE_CANDIDATE_RECEIVED'; from: ClientId; fromCallsign?: string; candidate: IceCandidate }
export interface Peers { type: 'PEERS'; peers: PeerSummary[] }
export interface ErrorMessage { type: 'ERROR'; error: SignalingErrorCode | string; details?: string; inReplyTo?: string }

export type ServerMessage =
  | Hello
  | Registered
  | PeerJoined
  | PeerLeft
  | OfferReceived
  | AnswerReceived
  | IceCandidateReceived
  | Peers
  | ErrorMessage;

export type ServerMessageType = ServerMessage['type'];

const serverTypes: ReadonlySet<string> = new Set<ServerMessageType>([
  'HELLO', 'REGISTERED', 'PEER_JOINED', 'PEER_LEFT', 'OFFER_RECEIVED', 'ANSWER_RECEIVED',
  'ICE_CANDIDATE_RECEIVED', 'PEERS', 'ERROR',
]);

/** Parses one frame from the node; a frame this client does not understand yields null rather than a throw. */
export function parseServerMessage(text: string): ServerMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' && serverTypes.has(type) ? (value as ServerMessage) : null;
}
