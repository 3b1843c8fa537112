export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** Fraction of the delay that is randomised, so many browsers do not reconnect in step after a node restart. */
  jitter: number;
}

export const defaultBackoff: BackoffPolicy = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.3 };

/** Delay before reconnect attempt number `attempt` (0 = the first retry). */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const base = Math.min(policy.maxMs, policy.initialMs * Math.pow(policy.factor, attempt));
  const spread = base * policy.jitter;
  return Math.round(base - spread + random() * 2 * spread);
}
