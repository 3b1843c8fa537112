// The app in chromium against the real node: two operators meet, chat and move a file over WebRTC,
// and the app opens again with the network cut. Screenshots of each screen land in pwa/test-results/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { assertNodeServesApp, launchBrowser, screenshot, startNode } from './harness.mjs';

let node;
let browser;
const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 };

before(async () => {
  node = await startNode();
  await assertNodeServesApp(node);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await node?.stop();
});

async function registerAsGuest(page) {
  await page.goto(`${node.url}/#/peers`);
  await page.getByRole('button', { name: 'Register', exact: true }).click();
  await page.getByTestId('connection-state').filter({ hasText: 'Registered with the node.' }).waitFor();
}

test('two operators register as guests, see each other, chat and move a 5 MB file whose SHA-256 matches', { timeout: 180_000 }, async () => {
  const alice = await (await browser.newContext(phone)).newPage();
  const bob = await (await browser.newContext(phone)).newPage();
  await registerAsGuest(alice);
  await registerAsGuest(bob);

  const stations = (page) => page.getByRole('list', { name: 'Stations on the mesh' }).getByRole('listitem');
  await stations(alice).first().waitFor();
  await stations(bob).first().waitFor();
  assert.equal(await stations(alice).count(), 1);
  assert.equal(await stations(bob).count(), 1);

  await alice.getByRole('button', { name: /^Connect to GUEST/ }).click();
  for (const page of [alice, bob]) await page.getByTestId('session-state').filter({ hasText: 'Direct connection open.' }).waitFor({ timeout: 30_000 });

  await alice.getByLabel('Message').fill('CQ CQ de Alice');
  await alice.getByRole('button', { name: 'Send', exact: true }).click();
  await bob.getByRole('log', { name: 'Chat' }).getByText('CQ CQ de Alice').waitFor();
  await bob.getByLabel('Message').fill('Alice de Bob, 73');
  await bob.getByRole('button', { name: 'Send', exact: true }).click();
  await alice.getByRole('log', { name: 'Chat' }).getByText('Alice de Bob, 73').waitFor();

  const payload = randomBytes(5 * 1024 * 1024);
  const expected = createHash('sha256').update(payload).digest('hex');
  await alice.getByLabel('File to send').setInputFiles({ name: 'payload.bin', mimeType: 'application/octet-stream', buffer: payload });
  await alice.getByRole('button', { name: 'Send file' }).click();
  const received = bob.getByTestId('received-file');
  await received.waitFor({ timeout: 120_000 });
  assert.equal(await received.getAttribute('data-sha256'), expected);
  assert.equal(await received.getAttribute('data-verified'), 'true');
  await alice.getByText('payload.bin arrived intact (SHA-256 matches).').waitFor();

  await screenshot(alice, 'peers-sender');
  await screenshot(bob, 'peers-receiver');
  await alice.goto(`${node.url}/#/node`);
  await alice.getByTestId('connected-clients').waitFor();
  await screenshot(alice, 'node');
  for (const screen of ['connect', 'station', 'certificates']) {
    await alice.goto(`${node.url}/#/${screen}`);
    await alice.getByRole('heading', { level: 1 }).waitFor();
    await screenshot(alice, screen);
  }
});

test('after the first visit the app reloads and works with the network cut', { timeout: 90_000 }, async () => {
  const context = await browser.newContext(phone);
  const page = await context.newPage();
  await page.goto(`${node.url}/#/connect`);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });

  await context.setOffline(true);
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Connect' }).waitFor();
  await page.getByText('offline', { exact: true }).waitFor();
  await page.getByRole('link', { name: 'Certificates' }).click();
  await page.getByRole('heading', { level: 1, name: 'Certificates' }).waitFor();
  await page.getByRole('link', { name: 'Node' }).click();
  await page.getByRole('alert').filter({ hasText: 'The node cannot be reached.' }).first().waitFor();
  await screenshot(page, 'offline-node');
  await context.close();
});
