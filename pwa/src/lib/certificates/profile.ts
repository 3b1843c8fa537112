// The certificate profile of shared/protocol.md: callsign from the ARRL attribute or CN, fingerprint, issuing right.
import * as x509 from './x509';

/** ARRL's callsign subject attribute (TrustedQSL's AROcallsign). */
export const CALLSIGN_OID = '1.3.6.1.4.1.12348.1.1';
export const MAX_CHAIN_DEPTH = 10;

const callsignPattern = /^[A-Z0-9]{1,3}[0-9][A-Z0-9]{0,4}(\/[A-Z0-9]{1,4})?$/;

export function isCallsign(text: string): boolean {
  return callsignPattern.test(text.trim().toUpperCase()) && /[A-Z]/.test(text.toUpperCase());
}

/** The certificate's callsign: the ARRL attribute when present, else the CN; when both name callsigns they must agree. */
export function callsignOf(certificate: x509.X509Certificate): string | null {
  const name = certificate.subjectName;
  const attribute = name.getField(CALLSIGN_OID)[0]?.trim().toUpperCase();
  const commonName = name.getField('CN')[0]?.trim().toUpperCase();
  if (attribute) {
    if (commonName && isCallsign(commonName) && commonName !== attribute) {
      throw new Error(`The certificate names two different callsigns: ${attribute} and ${commonName}.`);
    }
    return attribute;
  }
  return commonName && isCallsign(commonName) ? commonName : null;
}

export async function fingerprintOf(certificate: x509.X509Certificate): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', certificate.rawData);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** May this certificate sign other certificates (basicConstraints CA; keyUsage keyCertSign when keyUsage is present)? */
export function canIssue(certificate: x509.X509Certificate): boolean {
  const constraints = certificate.getExtension(x509.BasicConstraintsExtension);
  if (!constraints?.ca) return false;
  const usage = certificate.getExtension(x509.KeyUsagesExtension);
  return !usage || (usage.usages & x509.KeyUsageFlags.keyCertSign) !== 0;
}

export function isSelfSigned(certificate: x509.X509Certificate): boolean {
  return certificate.subject === certificate.issuer;
}

/** The Web Crypto signing parameters for a certificate's key: ECDSA P-256/384 or RSA PKCS#1 v1.5, always SHA-256. */
export function signingAlgorithmFor(certificate: x509.X509Certificate): { importParams: RsaHashedImportParams | EcKeyImportParams; signParams: AlgorithmIdentifier | EcdsaParams } {
  const algorithm = certificate.publicKey.algorithm as Algorithm & { namedCurve?: string };
  if (algorithm.name === 'ECDSA' || algorithm.name === 'EC') {
    return { importParams: { name: 'ECDSA', namedCurve: algorithm.namedCurve ?? 'P-256' }, signParams: { name: 'ECDSA', hash: 'SHA-256' } };
  }
  return { importParams: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, signParams: { name: 'RSASSA-PKCS1-v1_5' } };
}
