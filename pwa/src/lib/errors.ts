// Turns the node's stable error codes into sentences an operator understands.

const sentences: Record<string, string> = {
  INVALID_JSON: 'The node could not read what this app sent. Reload the app and try again.',
  INVALID_MESSAGE: 'The node rejected a malformed message from this app.',
  UNKNOWN_TYPE: 'The node does not understand this request; it may run an older version.',
  NOT_REGISTERED: 'Register with the node first.',
  ALREADY_REGISTERED: 'This connection is already registered.',
  INVALID_CALLSIGN: 'That is not a valid callsign. Use letters and digits, such as W1AW, or GUEST.',
  INVALID_CERTIFICATE: 'The node did not accept your certificate or the proof that you hold its key.',
  UNKNOWN_TARGET: 'That station is no longer connected to the mesh.',
  MESSAGE_TOO_LARGE: 'The message was too large for the node to relay.',
  RATE_LIMITED: 'You are sending too fast; the node asked to slow down. Wait a moment and try again.',
  ICE_LIMIT: 'Too many connection candidates for one call; hang up and try again.',
  BINARY_NOT_SUPPORTED: 'The node accepts text messages only.',
  ALREADY_CLAIMED: 'This node already has an owner.',
  UNAUTHORIZED: 'Only the node owner can do this. Claim the node or sign in as its owner.',
  FORBIDDEN: 'Only the node owner can do this.',
  NOT_FOUND: 'The node does not know that item.',
  NOT_AVAILABLE: 'This feature is not available on this node yet.',
  NETWORK: 'The node cannot be reached. Check the address and your network.',
};

const closeSentences: Record<number, string> = {
  1001: 'The node closed the connection (idle or shutting down). Reconnecting…',
  1006: 'The connection to the node was lost. Reconnecting…',
  1008: 'The node disconnected this app for sending too much. Reconnecting shortly…',
  1012: 'The node is re-forming its mesh. Reconnecting…',
  1013: 'The connection was too slow for the node. Reconnecting…',
};

/** A sentence for an error code, preferring the node's own details when the code is unknown to this app. */
export function describeError(code: string, details?: string): string {
  const sentence = sentences[code];
  if (sentence) return details && code !== 'INVALID_JSON' ? `${sentence} (${details})` : sentence;
  return details ? details : `The node reported an error: ${code}.`;
}

export function describeClose(code: number, reason?: string): string {
  return closeSentences[code] ?? `The connection to the node closed${reason ? `: ${reason}` : ''}. Reconnecting…`;
}

/** An error the node returned, carrying its stable code so screens can react to it. */
export class NodeError extends Error {
  constructor(
    readonly code: string,
    readonly details?: string,
    readonly status?: number,
  ) {
    super(describeError(code, details));
    this.name = 'NodeError';
  }
}
