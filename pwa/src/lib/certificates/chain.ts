// Chain checks as the node makes them: at most 10 deep, ends at a trusted root, every signature verifies, nothing blacklisted.
import * as x509 from './x509';
import { canIssue, fingerprintOf, isSelfSigned, MAX_CHAIN_DEPTH } from './profile';

export interface ChainCheck {
  valid: boolean;
  /** Leaf first, root last, as far as it could be built. */
  path: x509.X509Certificate[];
  problems: string[];
}

export interface ChainContext {
  trustedRoots: x509.X509Certificate[];
  intermediates?: x509.X509Certificate[];
  blacklist?: ReadonlySet<string>;
}

export async function checkChain(leaf: x509.X509Certificate, context: ChainContext): Promise<ChainCheck> {
  const problems: string[] = [];
  const pool = [...context.trustedRoots, ...(context.intermediates ?? [])];
  const rootPrints = new Set(await Promise.all(context.trustedRoots.map(fingerprintOf)));
  const path: x509.X509Certificate[] = [leaf];
  let current = leaf;

  while (true) {
    const print = await fingerprintOf(current);
    if (context.blacklist?.has(print)) problems.push(`${current.subject} is blacklisted.`);
    if (rootPrints.has(print)) break;
    if (isSelfSigned(current)) {
      problems.push(`The chain ends at ${current.subject}, which is not a trusted root.`);
      break;
    }
    if (path.length > MAX_CHAIN_DEPTH) {
      problems.push(`The chain is deeper than ${MAX_CHAIN_DEPTH} certificates.`);
      break;
    }
    const issuer = await findIssuer(current, pool);
    if (issuer === 'bad-signature') {
      problems.push(`The signature on ${current.subject} does not verify with its issuer's key.`);
      break;
    }
    if (!issuer) {
      problems.push(`The issuer of ${current.subject} (${current.issuer}) is not known here.`);
      break;
    }
    if (!canIssue(issuer)) problems.push(`${issuer.subject} is not allowed to issue certificates.`);
    path.push(issuer);
    current = issuer;
  }
  if (path.length > MAX_CHAIN_DEPTH) problems.push(`The chain is deeper than ${MAX_CHAIN_DEPTH} certificates.`);
  return { valid: problems.length === 0, path, problems: [...new Set(problems)] };
}

async function findIssuer(certificate: x509.X509Certificate, pool: x509.X509Certificate[]): Promise<x509.X509Certificate | 'bad-signature' | null> {
  const named = pool.filter((candidate) => candidate.subject === certificate.issuer);
  for (const candidate of named) {
    if (await certificate.verify({ publicKey: candidate.publicKey, signatureOnly: true })) return candidate;
  }
  return named.length ? 'bad-signature' : null;
}
