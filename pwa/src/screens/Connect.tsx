import { useEffect, useState, type FormEvent } from 'react';
import { useAppState } from '../AppState';
import { Notice, Section, useAction } from '../components';
import { discoverNodes, type FoundNode } from '../lib/node/discovery';
import { qrSvg } from '../lib/qr';

const sourceLabel: Record<FoundNode['source'], string> = {
  'same-origin': 'this page came from it',
  known: 'used before',
  manual: 'typed in before',
  'local-network': 'seen on the local network',
};

export function ConnectScreen() {
  const { nodeUrl, setNodeUrl, store } = useAppState();
  const [address, setAddress] = useState(nodeUrl ?? '');
  const [found, setFound] = useState<FoundNode[] | null>(null);
  const search = useAction(async () => setFound(await discoverNodes({ origin: /^https?:$/.test(location.protocol) ? location.origin : null, store })));
  const connect = useAction(async (url: string) => {
    await setNodeUrl(url);
    await store.remember({ url: new URL(url.includes('://') ? url : `http://${url}`).origin, callsign: null, lastSeen: Date.now(), source: 'manual' });
  });

  useEffect(() => {
    void search.run();
    // Discovery runs once when the screen opens; the button runs it again.
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void connect.run(address);
  };

  return (
    <>
      <Section title="Node address">
        <form onSubmit={submit} className="row">
          <label htmlFor="node-address">Address of the node</label>
          <input id="node-address" type="url" inputMode="url" placeholder="http://192.168.1.20:8080" value={address} onChange={(e) => setAddress(e.target.value)} required />
          <button type="submit" disabled={connect.busy}>Use this node</button>
        </form>
        <Notice kind="error">{connect.error}</Notice>
        {nodeUrl && <Notice kind="ok">Using {nodeUrl}</Notice>}
      </Section>
      {nodeUrl && (
        <Section title="Share this node">
          <p>Scan to open the app from this node on another device.</p>
          <figure className="qr" aria-label={`QR code for ${nodeUrl}`} role="img" dangerouslySetInnerHTML={{ __html: qrSvg(nodeUrl) }} />
          <p className="mono">{nodeUrl}</p>
        </Section>
      )}
      <Section title="Nodes found">
        <button type="button" onClick={() => void search.run()} disabled={search.busy}>
          {search.busy ? 'Looking for nodes…' : 'Look again'}
        </button>
        <Notice kind="error">{search.error}</Notice>
        {found && found.length === 0 && <p>No nodes found yet. Type an address above.</p>}
        <ul className="list" aria-label="Nodes found">
          {found?.map((node) => (
            <li key={node.url}>
              <span>
                <strong>{node.callsign ?? 'unclaimed node'}</strong> <span className="mono">{node.url}</span>
                <br />
                <small>
                  {sourceLabel[node.source]}; {node.reachable === null ? 'not checked from here' : node.reachable ? 'reachable' : 'not reachable now'}
                </small>
              </span>
              <span className="actions">
                <button type="button" onClick={() => void connect.run(node.url)} aria-label={`Use node ${node.callsign ?? node.url}`}>Use</button>
                {node.source !== 'same-origin' && node.source !== 'local-network' && (
                  <button type="button" className="secondary" onClick={() => void store.forget(node.url).then(() => search.run())} aria-label={`Forget node ${node.url}`}>
                    Forget
                  </button>
                )}
              </span>
            </li>
          ))}
        </ul>
      </Section>
    </>
  );
}
