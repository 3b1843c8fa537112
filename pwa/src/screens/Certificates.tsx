import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useAppState } from '../AppState';
import { DownloadLink, Notice, Section, useAction } from '../components';
import type { CertificateDetail, CertificateSummary, IssuedCertificate } from '../lib/node/api';
import { createKeyAndRequest, readRequest } from '../lib/certificates/issuing';
import { saveIdentity } from '../lib/certificates/identityStore';
import * as x509 from '../lib/certificates/x509';
import { callsignOf, isCallsign } from '../lib/certificates/profile';
import { importMaterial } from '../lib/certificates/importer';

export function CertificatesScreen() {
  const { api, ownerApi, setIdentity } = useAppState();
  const [list, setList] = useState<CertificateSummary[] | null>(null);
  const [detail, setDetail] = useState<CertificateDetail | null>(null);
  const [reason, setReason] = useState('');
  const [csrText, setCsrText] = useState('');
  const [licensee, setLicensee] = useState('');
  const [licenseClass, setLicenseClass] = useState('');
  const [reference, setReference] = useState('');
  const [issued, setIssued] = useState<IssuedCertificate | null>(null);
  const [addFile, setAddFile] = useState<File | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  const load = useAction(useCallback(async () => api && setList(await api.certificates()), [api]));
  useEffect(() => {
    void load.run();
  }, [load.run]);

  const show = useAction(async (fingerprint: string) => api && setDetail(await api.certificate(fingerprint)));
  const blacklist = useAction(async () => {
    if (!ownerApi || !detail) throw new Error('Only the node owner can blacklist certificates. Claim the node on the Station screen.');
    if (!reason.trim()) throw new Error('Say why this certificate is blacklisted.');
    await ownerApi.blacklist(detail.fingerprint, reason.trim());
    setMessage(`${detail.extensions.callsign ?? detail.subject} is blacklisted on this node and across the mesh.`);
    setReason('');
    await load.run();
  });
  const add = useAction(async () => {
    if (!ownerApi) throw new Error('Only the node owner can add certificates. Claim the node on the Station screen.');
    if (!addFile) throw new Error('Choose a certificate file.');
    const { certificates } = importMaterial(new Uint8Array(await addFile.arrayBuffer()));
    if (!certificates.length) throw new Error('The file holds no certificate.');
    await ownerApi.addCertificate(certificates[0].toString('pem'), certificates.slice(1).map((c) => c.toString('pem')));
    setMessage('The certificate was added to the trust store.');
    await load.run();
  });
  const proof = () => {
    const callsign = licensee.trim().toUpperCase();
    if (!isCallsign(callsign)) throw new Error("Enter the operator's callsign, such as W1AW.");
    return { callsign, licenseClass: licenseClass.trim() || undefined, reference: reference.trim() || undefined };
  };
  const issueFromCsr = useAction(async () => {
    if (!ownerApi) throw new Error('Only the node owner can issue certificates. Claim the node on the Station screen.');
    readRequest(csrText);
    setIssued(await ownerApi.issueCertificate(csrText.trim(), proof()));
  });
  const issueHere = useAction(async () => {
    if (!ownerApi) throw new Error('Only the node owner can issue certificates. Claim the node on the Station screen.');
    const checked = proof();
    const { keys, csrPem } = await createKeyAndRequest(checked.callsign);
    const result = await ownerApi.issueCertificate(csrPem, checked);
    const certificate = new x509.X509Certificate(result.certificate);
    const identity = { callsign: callsignOf(certificate) ?? checked.callsign, certificate, chain: result.chain.map((pem) => new x509.X509Certificate(pem)), privateKey: keys.privateKey };
    await saveIdentity(identity);
    setIdentity(identity);
    setIssued(result);
    setMessage(`A certificate for ${identity.callsign} was issued; its key was made in this browser and stays here.`);
  });

  return (
    <>
      <Section title="Trust store">
        <button type="button" className="secondary" onClick={() => void load.run()} disabled={load.busy}>Refresh</button>
        <Notice kind="error">{load.error}</Notice>
        {list && list.length === 0 && <p>The node trusts no certificates yet.</p>}
        <ul className="list" aria-label="Trusted certificates">
          {list?.map((c) => (
            <li key={c.fingerprint}>
              <span>
                <strong>{c.callsign || 'no callsign'}</strong> {c.licenseClass && <span className="badge">{c.licenseClass}</span>} <span className="badge muted">{c.trustLevel}</span>
                <br />
                <small className="mono">{c.fingerprint.slice(0, 16)}…</small>
              </span>
              <button type="button" className="secondary" onClick={() => void show.run(c.fingerprint)} aria-label={`Details of ${c.callsign || c.fingerprint}`}>Details</button>
            </li>
          ))}
        </ul>
        <Notice kind="error">{show.error}</Notice>
      </Section>

      {detail && (
        <Section title="Certificate details">
          <dl className="facts">
            <dt>Subject</dt>
            <dd>{detail.subject}</dd>
            <dt>Issuer</dt>
            <dd>{detail.issuer}</dd>
            <dt>Callsign</dt>
            <dd>{detail.extensions.callsign ?? '—'}</dd>
            <dt>Licence class</dt>
            <dd>{detail.extensions.licenseClass ?? '—'}</dd>
            <dt>May issue</dt>
            <dd>{detail.extensions.canIssue ? 'yes' : 'no'}</dd>
            <dt>Valid</dt>
            <dd>{detail.notBefore} to {detail.notAfter}</dd>
            <dt>Serial</dt>
            <dd className="mono">{detail.serialNumber}</dd>
            <dt>Fingerprint</dt>
            <dd className="mono wrap">{detail.fingerprint}</dd>
          </dl>
          <form
            className="row"
            onSubmit={(event: FormEvent) => {
              event.preventDefault();
              void blacklist.run();
            }}
          >
            <label htmlFor="blacklist-reason">Reason for blacklisting</label>
            <input id="blacklist-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
            <button type="submit" className="danger" disabled={blacklist.busy}>Blacklist</button>
          </form>
          <Notice kind="error">{blacklist.error}</Notice>
        </Section>
      )}

      <Section title="Add a trusted certificate">
        <form
          className="row"
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            void add.run();
          }}
        >
          <label htmlFor="add-file">Certificate with its chain (PEM or DER)</label>
          <input id="add-file" type="file" accept=".pem,.crt,.cer,.der" onChange={(e) => setAddFile(e.target.files?.[0] ?? null)} />
          <button type="submit" disabled={add.busy}>Add</button>
        </form>
        <Notice kind="error">{add.error}</Notice>
      </Section>

      <Section title="Issue a certificate">
        <p>Check the operator's licence first; the node records what you checked.</p>
        <label htmlFor="licensee">Operator's callsign</label>
        <input id="licensee" value={licensee} onChange={(e) => setLicensee(e.target.value)} autoCapitalize="characters" />
        <label htmlFor="license-class">Licence class</label>
        <input id="license-class" value={licenseClass} onChange={(e) => setLicenseClass(e.target.value)} />
        <label htmlFor="license-reference">Where you checked the licence</label>
        <input id="license-reference" value={reference} onChange={(e) => setReference(e.target.value)} placeholder="for example: national licence database" />
        <form
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            void issueFromCsr.run();
          }}
        >
          <label htmlFor="csr">The operator's certificate request (PEM)</label>
          <textarea id="csr" rows={6} value={csrText} onChange={(e) => setCsrText(e.target.value)} placeholder="-----BEGIN CERTIFICATE REQUEST-----" />
          <button type="submit" disabled={issueFromCsr.busy}>Issue from request</button>
        </form>
        <Notice kind="error">{issueFromCsr.error}</Notice>
        <p>Or, for the operator using this device, make the key here: it stays in this browser.</p>
        <button type="button" onClick={() => void issueHere.run()} disabled={issueHere.busy}>Make key here and issue</button>
        <Notice kind="error">{issueHere.error}</Notice>
        {issued && (
          <p>
            <DownloadLink name="certificate.pem" data={[issued.certificate, ...issued.chain].join('\n')}>Save the certificate with its chain</DownloadLink>
          </p>
        )}
      </Section>
      <Notice kind="ok">{message}</Notice>
    </>
  );
}
