// The certificate screens in chromium against the real node: an operator imports a .p12 made by openssl,
// claims the node, signs the node's CSR to make it a CA, then has a certificate issued for a key made in
// the browser; openssl verifies that certificate against the operator's root.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNodeServesApp, launchBrowser, screenshot, startNode } from './harness.mjs';

let node;
let browser;
let dir;
const openssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' }).toString();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mesh-pwa-e2e-operator-'));
  // openssl writes the ARRL callsign attribute once the OID has a name, as TQSL's configuration gives it.
  writeFileSync(join(dir, 'openssl.cnf'), 'oid_section = new_oids\n[new_oids]\nAROcallsign = 1.3.6.1.4.1.12348.1.1\n[req]\ndistinguished_name = dn\n[dn]\n');
  writeFileSync(join(dir, 'operator.ext'), 'basicConstraints=critical,CA:TRUE,pathlen:3\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature\n');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl('req', '-config', 'openssl.cnf', '-x509', ...ec, '-keyout', 'root.key', '-out', 'root.pem', '-days', '30', '-subj', '/CN=Test Club Root',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  openssl('req', '-config', 'openssl.cnf', '-new', ...ec, '-keyout', 'w1aw.key', '-out', 'w1aw.csr', '-subj', '/CN=Hiram Maxim/AROcallsign=W1AW');
  openssl('x509', '-req', '-in', 'w1aw.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-out', 'w1aw.pem', '-days', '30', '-extfile', 'operator.ext');
  openssl('pkcs12', '-export', '-in', 'w1aw.pem', '-inkey', 'w1aw.key', '-certfile', 'root.pem', '-out', 'w1aw.p12', '-passout', 'pass:club');
  node = await startNode();
  await assertNodeServesApp(node);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await node?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('an operator imports a .p12, claims the node, makes it a CA and gets a certificate issued for a key made in the browser', { timeout: 120_000 }, async () => {
  const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await page.goto(`${node.url}/#/station`);

  await page.getByLabel('Certificate file (.p12, .pfx, .pem)').setInputFiles({ name: 'w1aw.p12', mimeType: 'application/x-pkcs12', buffer: readFileSync(join(dir, 'w1aw.p12')) });
  await page.getByRole('button', { name: 'Import' }).click();
  await page.getByRole('alert').filter({ hasText: 'protected by a password' }).waitFor();
  await page.getByLabel(/^Password/).fill('club');
  await page.getByRole('button', { name: 'Import' }).click();
  await page.getByText('Your certificate for W1AW is ready.').waitFor();

  await page.getByRole('button', { name: 'Claim node' }).click();
  await page.getByText('You now own this node as W1AW.').waitFor();
  await page.getByRole('button', { name: "Sign the node's request" }).click();
  await page.getByText('The node now holds a certificate signed by you').waitFor();
  await screenshot(page, 'station-claimed');

  const status = await (await fetch(`${node.url}/api/status`)).json();
  assert.equal(status.owner, 'W1AW');
  const info = await (await fetch(`${node.url}/api/info`)).json();
  assert.ok(info.capabilities.includes('ca'), `capabilities: ${info.capabilities}`);

  await page.goto(`${node.url}/#/certificates`);
  await page.getByLabel("Operator's callsign").fill('n0call');
  await page.getByLabel('Licence class').fill('General');
  await page.getByLabel('Where you checked the licence').fill('FCC ULS');
  await page.getByRole('button', { name: 'Make key here and issue' }).click();
  await page.getByText('A certificate for N0CALL was issued').waitFor();
  await screenshot(page, 'certificates-issued');

  const pems = await page.getByRole('link', { name: 'Save the certificate with its chain' }).evaluate(async (link) => (await fetch(link.href)).text());
  const blocks = pems.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  writeFileSync(join(dir, 'issued.pem'), blocks[0] + '\n');
  writeFileSync(join(dir, 'issued-chain.pem'), blocks.slice(1).join('\n') + '\n');
  assert.match(openssl('verify', '-CAfile', 'root.pem', '-untrusted', 'issued-chain.pem', 'issued.pem'), /issued\.pem: OK/);
  assert.match(openssl('x509', '-in', 'issued.pem', '-noout', '-subject', '-nameopt', 'oid'), /1\.3\.6\.1\.4\.1\.12348\.1\.1=N0CALL/);
});
