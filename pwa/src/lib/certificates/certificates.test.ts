import { beforeAll, describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import * as x509 from './x509';
import { OpensslWorkspace } from '../../test/openssl';
import { bindIdentity, importMaterial, ImportError, signText } from './importer';
import { checkChain } from './chain';
import { createKeyAndRequest, signRequest } from './issuing';
import { callsignOf, canIssue, fingerprintOf, isCallsign } from './profile';
import { parsePem, toPem } from './pem';

const ec = ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
const rsa = ['rsa:2048'];
const ws = new OpensslWorkspace();

beforeAll(() => {
  ws.rootCa('ec-root', ec);
  ws.rootCa('rsa-root', rsa);
  ws.operator('w1aw', 'ec-root', '/CN=Hiram Maxim/AROcallsign=W1AW', ec,
    'basicConstraints=critical,CA:TRUE,pathlen:2;keyUsage=critical,keyCertSign,digitalSignature');
  ws.operator('k1lotw', 'rsa-root', '/CN=Lotw User/AROcallsign=K1ABC', rsa);
  ws.operator('mismatch', 'ec-root', '/CN=N0PE/AROcallsign=W1AW', ec);
  ws.run('pkcs12', '-export', '-in', 'w1aw.pem', '-inkey', 'w1aw.key', '-certfile', 'ec-root.pem', '-out', 'w1aw-aes.p12', '-passout', 'pass:secret',
    '-keypbe', 'AES-256-CBC', '-certpbe', 'AES-256-CBC', '-macalg', 'sha256');
  ws.run('pkcs12', '-export', '-legacy', '-in', 'k1lotw.pem', '-inkey', 'k1lotw.key', '-out', 'k1lotw-legacy.p12', '-passout', 'pass:');
  ws.run('pkcs8', '-topk8', '-in', 'w1aw.key', '-out', 'w1aw-enc.key', '-passout', 'pass:hunter2', '-v2', 'aes-256-cbc');
  ws.run('ec', '-in', 'w1aw.key', '-out', 'w1aw-sec1.key');
});

const certificate = (name: string) => new x509.X509Certificate(ws.text(`${name}.pem`));
const pemWithKey = (cert: string, key: string) => new TextEncoder().encode(ws.text(`${cert}.pem`) + ws.text(key));

describe('certificate profile', () => {
  test('the callsign comes from the ARRL attribute when CN holds a name', () => {
    expect(callsignOf(certificate('w1aw'))).toBe('W1AW');
  });

  test('a certificate whose CN and ARRL attribute name different callsigns is refused', () => {
    expect(() => callsignOf(certificate('mismatch'))).toThrow(/two different callsigns: W1AW and N0PE/);
  });

  test('callsigns are recognised and names are not', () => {
    expect(['W1AW', 'dl1abc', 'VE3XYZ/P', '4X1AB'].every(isCallsign)).toBe(true);
    expect(['Hiram Maxim', 'GUEST', '12345', ''].some(isCallsign)).toBe(false);
  });

  test('the fingerprint is the lower-case SHA-256 of the DER, as openssl computes it', async () => {
    const openssl = execFileSync('openssl', ['x509', '-in', ws.path('w1aw.pem'), '-noout', '-fingerprint', '-sha256']).toString();
    expect(await fingerprintOf(certificate('w1aw'))).toBe(openssl.split('=')[1].trim().replace(/:/g, '').toLowerCase());
  });

  test('the right to issue follows basicConstraints and keyUsage', () => {
    expect(canIssue(certificate('w1aw'))).toBe(true);
    expect(canIssue(certificate('k1lotw'))).toBe(false);
  });
});

describe('importing', () => {
  test('a PEM certificate with its PKCS#8 key binds to a non-extractable signing key', async () => {
    const identity = await bindIdentity(importMaterial(pemWithKey('w1aw', 'w1aw.key')));
    expect(identity.callsign).toBe('W1AW');
    expect(identity.privateKey.extractable).toBe(false);
  });

  test('an AES-256 PKCS#12 file opens with its password and yields the key, the certificate and its chain', async () => {
    const identity = await bindIdentity(importMaterial(ws.read('w1aw-aes.p12'), 'secret'));
    expect(identity.callsign).toBe('W1AW');
    expect(identity.chain.map((c) => c.subject)).toEqual(['CN=ec-root Root']);
  });

  test('a legacy RC2/3DES PKCS#12 with an empty password (as TQSL writes them) opens with an RSA key', async () => {
    const identity = await bindIdentity(importMaterial(ws.read('k1lotw-legacy.p12')));
    expect(identity.callsign).toBe('K1ABC');
    expect(identity.privateKey.algorithm.name).toBe('RSASSA-PKCS1-v1_5');
  });

  test('a wrong PKCS#12 password asks for the right one', () => {
    const error = (() => { try { importMaterial(ws.read('w1aw-aes.p12'), 'wrong'); } catch (e) { return e; } })() as ImportError;
    expect(error).toBeInstanceOf(ImportError);
    expect(error.needsPassword).toBe(true);
  });

  test('an encrypted PKCS#8 key needs its password, then opens', async () => {
    expect(() => importMaterial(pemWithKey('w1aw', 'w1aw-enc.key'))).toThrow(/protected by a password/);
    const identity = await bindIdentity(importMaterial(pemWithKey('w1aw', 'w1aw-enc.key'), 'hunter2'));
    expect(identity.callsign).toBe('W1AW');
  });

  test('a SEC1 EC key is accepted', async () => {
    expect((await bindIdentity(importMaterial(pemWithKey('w1aw', 'w1aw-sec1.key')))).callsign).toBe('W1AW');
  });

  test("a key that belongs to another certificate is refused", async () => {
    await expect(bindIdentity(importMaterial(pemWithKey('w1aw', 'mismatch.key')))).rejects.toThrow(/does not belong/);
  });

  test('a DER certificate imports without a key', () => {
    ws.run('x509', '-in', 'w1aw.pem', '-outform', 'DER', '-out', 'w1aw.der');
    expect(importMaterial(ws.read('w1aw.der')).certificates[0].subject).toContain('W1AW');
  });

  test('a nonce signature verifies with openssl (ECDSA P1363 converted) and RSA PKCS#1 v1.5', async () => {
    for (const [name, key] of [['w1aw', 'w1aw.key'], ['k1lotw', 'k1lotw.key']]) {
      const identity = await bindIdentity(importMaterial(pemWithKey(name, key)));
      const signature = Uint8Array.from(atob(await signText(identity, 'nonce-123')), (c) => c.charCodeAt(0));
      const publicKey = await identity.certificate.publicKey.export(
        identity.privateKey.algorithm.name === 'ECDSA' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, ['verify']);
      const params = identity.privateKey.algorithm.name === 'ECDSA' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5' };
      expect(await crypto.subtle.verify(params, publicKey, signature, new TextEncoder().encode('nonce-123'))).toBe(true);
    }
  });
});

describe('chain checks', () => {
  test('an operator certificate chains to a trusted root', async () => {
    const result = await checkChain(certificate('w1aw'), { trustedRoots: [certificate('ec-root')] });
    expect(result.problems).toEqual([]);
    expect(result.path.map((c) => c.subject)).toEqual([certificate('w1aw').subject, 'CN=ec-root Root']);
  });

  test('a chain to an untrusted root is refused with the reason', async () => {
    const result = await checkChain(certificate('w1aw'), { trustedRoots: [certificate('rsa-root')], intermediates: [certificate('ec-root')] });
    expect(result.valid).toBe(false);
    expect(result.problems[0]).toMatch(/not a trusted root/);
  });

  test('a blacklisted member makes the chain invalid', async () => {
    const blacklist = new Set([await fingerprintOf(certificate('w1aw'))]);
    const result = await checkChain(certificate('w1aw'), { trustedRoots: [certificate('ec-root')], blacklist });
    expect(result.problems).toEqual([`${certificate('w1aw').subject} is blacklisted.`]);
  });

  test('a certificate whose issuer signature does not verify is refused', async () => {
    const renamed = await x509.X509CertificateGenerator.createSelfSigned({
      name: 'CN=ec-root Root', keys: (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
    });
    const result = await checkChain(certificate('w1aw'), { trustedRoots: [renamed] });
    expect(result.problems[0]).toMatch(/does not verify/);
  });

  test('a chain deeper than ten certificates is refused', async () => {
    const algorithm = { name: 'ECDSA', namedCurve: 'P-256' };
    const sign = { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams;
    let keys = (await crypto.subtle.generateKey(algorithm, false, ['sign', 'verify'])) as CryptoKeyPair;
    const root = await x509.X509CertificateGenerator.createSelfSigned({ name: 'CN=Deep Root', keys, signingAlgorithm: sign, extensions: [new x509.BasicConstraintsExtension(true, undefined, true)] });
    const chain = [root];
    for (let level = 1; level <= 11; level++) {
      const next = (await crypto.subtle.generateKey(algorithm, false, ['sign', 'verify'])) as CryptoKeyPair;
      chain.push(await x509.X509CertificateGenerator.create({
        subject: `CN=Level ${level}`, issuer: chain[chain.length - 1].subject, publicKey: next.publicKey, signingKey: keys.privateKey, signingAlgorithm: sign,
        extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
      }));
      keys = next;
    }
    const result = await checkChain(chain[chain.length - 1], { trustedRoots: [root], intermediates: chain.slice(1, -1) });
    expect(result.problems).toContain('The chain is deeper than 10 certificates.');
  });
});

describe('issuing in the browser', () => {
  test('a new key and CSR carry the callsign as CN and ARRL attribute and verify; openssl agrees', async () => {
    const { csr, csrPem, keys } = await createKeyAndRequest('n0call');
    expect(await csr.verify()).toBe(true);
    expect(keys.privateKey.extractable).toBe(false);
    ws.write('browser.csr', csrPem);
    const text = execFileSync('openssl', ['req', '-in', ws.path('browser.csr'), '-noout', '-verify', '-subject', '-nameopt', 'oid']).toString();
    expect(text).toMatch(/2\.5\.4\.3=N0CALL/);
    expect(text).toMatch(/1\.3\.6\.1\.4\.1\.12348\.1\.1=N0CALL/);
  });

  test('an issuing operator signs a node CSR into a CA certificate that openssl verifies against the chain', async () => {
    const owner = await bindIdentity(importMaterial(pemWithKey('w1aw', 'w1aw.key')));
    ws.run('req', '-config', 'openssl.cnf', '-new', '-newkey', ...ec, '-nodes', '-keyout', 'node.key', '-out', 'node.csr', '-subj', '/CN=node-1234');
    const { certificate: issued, chain } = await signRequest(owner, ws.text('node.csr'), { authority: true, pathLength: 0 });
    expect(canIssue(issued)).toBe(true);
    ws.write('node.pem', issued.toString('pem'));
    ws.write('chain.pem', chain.map((c) => c.toString('pem')).join('\n'));
    ws.write('untrusted.pem', chain[0].toString('pem'));
    const verify = execFileSync('openssl', ['verify', '-CAfile', ws.path('ec-root.pem'), '-untrusted', ws.path('untrusted.pem'), ws.path('node.pem')]).toString();
    expect(verify.trim()).toMatch(/node\.pem: OK$/);
    const checked = await checkChain(issued, { trustedRoots: [certificate('ec-root')], intermediates: chain });
    expect(checked.valid).toBe(true);
  });

  test('an operator whose certificate cannot issue is told so', async () => {
    const plain = await bindIdentity(importMaterial(pemWithKey('k1lotw', 'k1lotw.key')));
    const { csrPem } = await createKeyAndRequest('N0CALL');
    await expect(signRequest(plain, csrPem, { authority: false })).rejects.toThrow(/not allowed to issue/);
  });

  test('a tampered CSR is refused', async () => {
    const owner = await bindIdentity(importMaterial(pemWithKey('w1aw', 'w1aw.key')));
    const { csrPem } = await createKeyAndRequest('N0CALL');
    const der = parsePem(csrPem)[0].der;
    der[der.length - 3] ^= 0xff;
    await expect(signRequest(owner, toPem('CERTIFICATE REQUEST', der), { authority: false })).rejects.toThrow(/not signed by its own key/);
  });
});
