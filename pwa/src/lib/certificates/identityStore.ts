// The operator's identity on this device: certificate and chain as PEM, and the private key as a
// non-extractable CryptoKey, which IndexedDB can hold but no script can read back out.
import { openDB } from 'idb';
import * as x509 from './x509';
import { callsignOf } from './profile';
import type { OperatorIdentity } from './importer';

interface StoredIdentity {
  certificatePem: string;
  chainPems: string[];
  privateKey: CryptoKey;
}

const database = () =>
  openDB('mesh-pwa-identity', 1, {
    upgrade(db) {
      db.createObjectStore('identity');
      db.createObjectStore('tokens');
    },
  });

export async function saveIdentity(identity: OperatorIdentity): Promise<void> {
  const stored: StoredIdentity = {
    certificatePem: identity.certificate.toString('pem'),
    chainPems: identity.chain.map((c) => c.toString('pem')),
    privateKey: identity.privateKey,
  };
  await (await database()).put('identity', stored, 'operator');
}

export async function loadIdentity(): Promise<OperatorIdentity | null> {
  const stored = (await (await database()).get('identity', 'operator')) as StoredIdentity | undefined;
  if (!stored) return null;
  const certificate = new x509.X509Certificate(stored.certificatePem);
  return { callsign: callsignOf(certificate) ?? '?', certificate, chain: stored.chainPems.map((pem) => new x509.X509Certificate(pem)), privateKey: stored.privateKey };
}

export async function forgetIdentity(): Promise<void> {
  await (await database()).delete('identity', 'operator');
}

/** Owner access tokens, one per node URL, from a successful claim. */
export async function saveOwnerToken(nodeUrl: string, token: string): Promise<void> {
  await (await database()).put('tokens', token, nodeUrl);
}

export async function loadOwnerToken(nodeUrl: string): Promise<string | null> {
  return ((await (await database()).get('tokens', nodeUrl)) as string | undefined) ?? null;
}
