// Certificate requests and certificates made in the browser with Web Crypto: an operator's own key
// pair and CSR, and signing someone else's CSR (a node's, or another operator's) with the operator's key.
import * as x509 from './x509';
import { CALLSIGN_OID, canIssue, isCallsign, signingAlgorithmFor } from './profile';
import type { OperatorIdentity } from './importer';

export interface NewKeyAndRequest {
  keys: CryptoKeyPair;
  csr: x509.Pkcs10CertificateRequest;
  csrPem: string;
}

const ecdsa: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };

/** A fresh P-256 key (private half non-extractable) and a CSR naming the callsign both as CN and as the ARRL attribute. */
export async function createKeyAndRequest(callsign: string): Promise<NewKeyAndRequest> {
  const upper = callsign.trim().toUpperCase();
  if (!isCallsign(upper)) throw new Error(`${callsign} is not a valid callsign.`);
  const keys = (await crypto.subtle.generateKey(ecdsa, false, ['sign', 'verify'])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [{ CN: [upper] }, { [CALLSIGN_OID]: [upper] }],
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
  });
  return { keys, csr, csrPem: csr.toString('pem') };
}

export function readRequest(pem: string): x509.Pkcs10CertificateRequest {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(pem.trim());
  } catch {
    throw new Error('That is not a PKCS#10 certificate request (a "BEGIN CERTIFICATE REQUEST" block).');
  }
  return csr;
}

export interface SignRequestOptions {
  /** Allow the new certificate to issue certificates itself (a node becoming a CA under its owner). */
  authority: boolean;
  pathLength?: number;
  validDays?: number;
}

/** Signs a CSR with the operator's key after checking the CSR's own signature; the result chains to the operator. */
export async function signRequest(issuer: OperatorIdentity, csrPem: string, options: SignRequestOptions): Promise<{ certificate: x509.X509Certificate; chain: x509.X509Certificate[] }> {
  if (!canIssue(issuer.certificate)) throw new Error(`Your certificate (${issuer.callsign}) is not allowed to issue certificates.`);
  const csr = readRequest(csrPem);
  if (!(await csr.verify())) throw new Error('The certificate request is not signed by its own key, so it cannot be trusted.');
  const { signParams } = signingAlgorithmFor(issuer.certificate);
  const signingAlgorithm = signParams as Algorithm & { hash?: string };
  const now = new Date();
  const notBefore = new Date(now.getTime() - 5 * 60_000);
  const notAfter = new Date(now.getTime() + (options.validDays ?? 3650) * 86_400_000);
  const usages = options.authority
    ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature
    : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: csr.subjectName,
    issuer: issuer.certificate.subjectName,
    notBefore,
    notAfter,
    publicKey: csr.publicKey,
    signingKey: issuer.privateKey,
    signingAlgorithm: { ...signingAlgorithm, hash: 'SHA-256' } as Algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(options.authority, options.authority ? options.pathLength : undefined, true),
      new x509.KeyUsagesExtension(usages, true),
      await x509.SubjectKeyIdentifierExtension.create(csr.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.certificate.publicKey),
    ],
  });
  return { certificate, chain: [issuer.certificate, ...issuer.chain] };
}

function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] &= 0x7f;
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}
