import { useState, type FormEvent } from 'react';
import { useAppState } from '../AppState';
import { Notice, Section, useAction } from '../components';
import { bindIdentity, importMaterial, ImportError, signText } from '../lib/certificates/importer';
import { forgetIdentity, saveIdentity, saveOwnerToken } from '../lib/certificates/identityStore';
import { signRequest } from '../lib/certificates/issuing';
import { canIssue } from '../lib/certificates/profile';

export function StationScreen() {
  const { identity, setIdentity, api, ownerApi, nodeUrl, setOwnerToken, ownerToken } = useAppState();
  const [file, setFile] = useState<File | null>(null);
  const [password, setPassword] = useState('');
  const [needsPassword, setNeedsPassword] = useState(false);
  const [done, setDone] = useState<string | null>(null);

  const importIdentity = useAction(async () => {
    if (!file) throw new Error('Choose your certificate file (.p12, or PEM with the key).');
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const bound = await bindIdentity(importMaterial(bytes, password));
      await saveIdentity(bound);
      setIdentity(bound);
      setPassword('');
      setNeedsPassword(false);
      setDone(`Your certificate for ${bound.callsign} is ready. Its private key stays in this browser and cannot be exported.`);
    } catch (error) {
      if (error instanceof ImportError && error.needsPassword) setNeedsPassword(true);
      throw error;
    }
  });

  const claim = useAction(async () => {
    if (!api || !nodeUrl) throw new Error('Choose a node on the Connect screen first.');
    if (!identity) throw new Error('Import your certificate first.');
    const { nonce } = await api.claimChallenge();
    const signature = await signText(identity, nonce);
    const result = await api.claimStation({
      certificate: identity.certificate.toString('pem'),
      chain: identity.chain.map((c) => c.toString('pem')),
      station: { callsign: identity.callsign },
      nonce,
      signature,
    });
    await saveOwnerToken(nodeUrl, result.accessToken);
    setOwnerToken(result.accessToken);
    setDone(`You now own this node as ${result.owner}.`);
  });

  const delegate = useAction(async () => {
    if (!api || !ownerApi) throw new Error('Claim the node first: only its owner can make it a certificate authority.');
    if (!identity) throw new Error('Import your certificate first.');
    const { csr } = await api.nodeCsr();
    const { certificate, chain } = await signRequest(identity, csr, { authority: true, pathLength: 0 });
    await ownerApi.installNodeCertificate(certificate.toString('pem'), chain.map((c) => c.toString('pem')));
    setDone('The node now holds a certificate signed by you and can issue certificates under yours.');
  });

  return (
    <>
      <Section title="Your certificate">
        {identity ? (
          <>
            <p>
              Signed in as <strong>{identity.callsign}</strong> ({identity.certificate.subject}).{' '}
              {canIssue(identity.certificate) ? 'Your certificate may issue certificates.' : 'Your certificate may not issue certificates.'}
            </p>
            <button
              type="button"
              className="secondary"
              onClick={() => void forgetIdentity().then(() => setIdentity(null))}
            >
              Remove from this browser
            </button>
          </>
        ) : (
          <p>Import your amateur radio certificate (for example your LoTW .p12 file). The private key is kept in this browser only.</p>
        )}
        <form
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            void importIdentity.run();
          }}
        >
          <label htmlFor="identity-file">Certificate file (.p12, .pfx, .pem)</label>
          <input id="identity-file" type="file" accept=".p12,.pfx,.pem,.crt,.cer,.key,.der" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          <label htmlFor="identity-password">Password {needsPassword ? '(needed)' : '(if the file has one)'}</label>
          <input id="identity-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="off" />
          <button type="submit" disabled={importIdentity.busy}>Import</button>
        </form>
        <Notice kind="error">{importIdentity.error}</Notice>
      </Section>

      <Section title="Claim this node">
        <p>The first licensed operator to claim a node becomes its owner. You sign a one-time challenge with your key; the key itself never leaves this browser.</p>
        {ownerToken && <Notice kind="ok">You are the owner of this node on this browser.</Notice>}
        <button type="button" onClick={() => void claim.run()} disabled={claim.busy || !identity}>Claim node</button>
        <Notice kind="error">{claim.error}</Notice>
      </Section>

      <Section title="Make this node a certificate authority">
        <p>Sign the node's certificate request with your certificate, so the node can issue certificates for other operators under yours.</p>
        <button type="button" onClick={() => void delegate.run()} disabled={delegate.busy || !identity || !ownerToken}>Sign the node's request</button>
        <Notice kind="error">{delegate.error}</Notice>
      </Section>
      <Notice kind="ok">{done}</Notice>
    </>
  );
}
