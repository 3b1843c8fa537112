// Reads what operators bring (PEM, DER, PKCS#12 from TQSL/LoTW or openssl) into certificates and a
// non-extractable Web Crypto key. node-forge only decrypts PKCS#12/PKCS#8 (RC2, 3DES, AES), which Web Crypto cannot.
import * as x509 from './x509';
import forge from 'node-forge';
import { looksLikePem, parsePem } from './pem';
import { callsignOf, signingAlgorithmFor } from './profile';

export interface ImportedMaterial {
  certificates: x509.X509Certificate[];
  /** PKCS#8 PrivateKeyInfo DER; it lives only in memory until bound to a non-extractable CryptoKey. */
  privateKeyPkcs8?: Uint8Array<ArrayBuffer>;
}

export interface OperatorIdentity {
  callsign: string;
  certificate: x509.X509Certificate;
  chain: x509.X509Certificate[];
  privateKey: CryptoKey;
}

export class ImportError extends Error {
  readonly needsPassword: boolean;
  constructor(message: string, needsPassword = false) {
    super(message);
    this.name = 'ImportError';
    this.needsPassword = needsPassword;
  }
}

const toBinary = (bytes: Uint8Array) => forge.util.binary.raw.encode(bytes);
const fromBinary = (text: string) => new Uint8Array(forge.util.binary.raw.decode(text));
const asnToBytes = (node: forge.asn1.Asn1) => fromBinary(forge.asn1.toDer(node).getBytes());

/** Imports a file's bytes: PEM (certificates and a key, possibly encrypted), a DER certificate, or PKCS#12. */
export function importMaterial(bytes: Uint8Array<ArrayBuffer>, password = ''): ImportedMaterial {
  if (looksLikePem(bytes)) return importPem(new TextDecoder().decode(bytes), password);
  try {
    return { certificates: [new x509.X509Certificate(bytes)] };
  } catch {
    return importPkcs12(bytes, password);
  }
}

function importPem(text: string, password: string): ImportedMaterial {
  const result: ImportedMaterial = { certificates: [] };
  for (const block of parsePem(text)) {
    switch (block.label) {
      case 'CERTIFICATE':
      case 'TRUSTED CERTIFICATE':
        result.certificates.push(new x509.X509Certificate(block.der));
        break;
      case 'PRIVATE KEY':
        result.privateKeyPkcs8 = block.der;
        break;
      case 'ENCRYPTED PRIVATE KEY': {
        if (!password) throw new ImportError('The private key is protected by a password. Enter it and import again.', true);
        const decrypted = forge.pki.decryptPrivateKeyInfo(forge.asn1.fromDer(toBinary(block.der)), password);
        if (!decrypted) throw new ImportError('The password does not open this private key.', true);
        result.privateKeyPkcs8 = asnToBytes(decrypted);
        break;
      }
      case 'RSA PRIVATE KEY':
        result.privateKeyPkcs8 = asnToBytes(forge.pki.wrapRsaPrivateKey(forge.asn1.fromDer(toBinary(block.der))));
        break;
      case 'EC PRIVATE KEY':
        result.privateKeyPkcs8 = wrapSec1EcKey(block.der);
        break;
      default:
        break;
    }
  }
  if (!result.certificates.length && !result.privateKeyPkcs8) throw new ImportError('The file holds no certificate or key this app can read.');
  return result;
}

/** SEC1 "EC PRIVATE KEY" → PKCS#8, taking the curve from the key's own parameters. */
function wrapSec1EcKey(der: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const { asn1 } = forge;
  const sec1 = asn1.fromDer(toBinary(der));
  const parameters = (sec1.value as forge.asn1.Asn1[]).find((part) => part.tagClass === asn1.Class.CONTEXT_SPECIFIC && part.type === 0);
  const curve = parameters && (parameters.value as forge.asn1.Asn1[])[0];
  if (!curve) throw new ImportError('The EC key does not name its curve; export it as PKCS#8 (openssl pkcs8 -topk8 -nocrypt).');
  const info = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(0).getBytes()),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer('1.2.840.10045.2.1').getBytes()),
      curve,
    ]),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, toBinary(der)),
  ]);
  return asnToBytes(info);
}

function importPkcs12(bytes: Uint8Array<ArrayBuffer>, password: string): ImportedMaterial {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn = forge.asn1.fromDer(toBinary(bytes));
    p12 = openPkcs12(asn, password);
  } catch (error) {
    if (error instanceof ImportError) throw error;
    throw new ImportError('The file is not a certificate, a key or a PKCS#12 (.p12) file this app can read.');
  }
  const result: ImportedMaterial = { certificates: [] };
  for (const safeContents of p12.safeContents) {
    for (const bag of safeContents.safeBags) {
      const raw = bag as forge.pkcs12.Bag & { asn1?: forge.asn1.Asn1 };
      if (bag.type === forge.pki.oids.certBag) {
        const der = bag.cert ? asnToBytes(forge.pki.certificateToAsn1(bag.cert)) : asnToBytes(raw.asn1!);
        result.certificates.push(new x509.X509Certificate(der));
      } else if (bag.type === forge.pki.oids.keyBag || bag.type === forge.pki.oids.pkcs8ShroudedKeyBag) {
        const info = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : raw.asn1!;
        result.privateKeyPkcs8 = asnToBytes(info);
      }
    }
  }
  return result;
}

/** Tries the password as given; PKCS#12 writers disagree on how an empty password is encoded, so both forms are tried. */
function openPkcs12(asn: forge.asn1.Asn1, password: string): forge.pkcs12.Pkcs12Pfx {
  const attempts: Array<string | undefined> = password ? [password] : ['', undefined];
  let lastError: unknown;
  for (const attempt of attempts) {
    try {
      return forge.pkcs12.pkcs12FromAsn1(asn, false, attempt as string);
    } catch (error) {
      lastError = error;
    }
  }
  const message = lastError instanceof Error ? lastError.message : '';
  if (/password|MAC|decrypt/i.test(message)) {
    throw new ImportError(password ? 'The password does not open this .p12 file.' : 'This .p12 file is protected by a password. Enter it and import again.', true);
  }
  throw new ImportError(`The .p12 file could not be read: ${message || 'unknown format'}.`);
}

/**
 * Finds the certificate that belongs to the key, imports the key as non-extractable (so it can sign
 * but never be read back out of the browser) and proves the pair matches by a test signature.
 */
export async function bindIdentity(material: ImportedMaterial): Promise<OperatorIdentity> {
  if (!material.privateKeyPkcs8) throw new ImportError('The file has certificates but no private key. Import the .p12 file, or the certificate together with its key.');
  if (!material.certificates.length) throw new ImportError('The file has a key but no certificate.');
  const probe = new TextEncoder().encode('mesh-pwa key check');
  for (const certificate of material.certificates) {
    const { importParams, signParams } = signingAlgorithmFor(certificate);
    let key: CryptoKey;
    try {
      key = await crypto.subtle.importKey('pkcs8', material.privateKeyPkcs8, importParams, false, ['sign']);
    } catch {
      continue;
    }
    const signature = await crypto.subtle.sign(signParams, key, probe);
    const publicKey = await certificate.publicKey.export(importParams, ['verify']);
    if (!(await crypto.subtle.verify(signParams, publicKey, signature, probe))) continue;
    const callsign = callsignOf(certificate);
    if (!callsign) throw new ImportError('The certificate names no callsign (neither the ARRL callsign attribute nor a callsign CN).');
    return { callsign, certificate, chain: material.certificates.filter((c) => c !== certificate), privateKey: key };
  }
  throw new ImportError('The private key does not belong to any certificate in the file.');
}

/** Signs UTF-8 text (a node's nonce) with the operator's key; base64 of the signature (ECDSA as IEEE P1363 r‖s). */
export async function signText(identity: Pick<OperatorIdentity, 'certificate' | 'privateKey'>, text: string): Promise<string> {
  const { signParams } = signingAlgorithmFor(identity.certificate);
  const signature = await crypto.subtle.sign(signParams, identity.privateKey, new TextEncoder().encode(text));
  return forge.util.encode64(forge.util.binary.raw.encode(new Uint8Array(signature)));
}
