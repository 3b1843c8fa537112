import { useEffect, useReducer, useRef, useState, type FormEvent } from 'react';
import { useAppState } from '../AppState';
import { DownloadLink, Notice, Section, useAction } from '../components';
import { signText } from '../lib/certificates/importer';
import type { ConnectionState } from '../lib/signaling/client';
import type { PeerSummary } from '../lib/signaling/messages';
import type { IncomingFile, ReceivedFile } from '../lib/webrtc/fileTransfer';
import { formatBytes, formatSeconds, type ProgressSnapshot } from '../lib/webrtc/progress';
import { SessionManager, type PeerSession } from '../lib/webrtc/session';

interface Transfer {
  direction: 'send' | 'receive';
  file: IncomingFile;
  progress: ProgressSnapshot;
}

interface PeerView {
  transfer?: Transfer;
  received: ReceivedFile[];
  outcome?: string;
}

const stateText: Record<ConnectionState, string> = {
  idle: 'Not connected to the node.',
  connecting: 'Connecting to the node…',
  open: 'Connected to the node, not registered.',
  registered: 'Registered with the node.',
  waiting: 'Connection lost; trying again…',
  closed: 'Disconnected from the node.',
};

export function PeersScreen() {
  const { signaling, identity, nodeUrl } = useAppState();
  const [, refresh] = useReducer((n: number) => n + 1, 0);
  const [connection, setConnection] = useState<{ state: ConnectionState; detail?: string }>({ state: signaling?.state ?? 'idle' });
  const [peers, setPeers] = useState<PeerSummary[]>(signaling?.peers ?? []);
  const [mode, setMode] = useState<'guest' | 'licensed'>('guest');
  const [selected, setSelected] = useState<string | null>(null);
  const views = useRef(new Map<string, PeerView>());
  const view = (peerId: string) => {
    let v = views.current.get(peerId);
    if (!v) views.current.set(peerId, (v = { received: [] }));
    return v;
  };

  const [manager, setManager] = useState<SessionManager | null>(null);
  useEffect(() => {
    if (!signaling) return;
    const created = new SessionManager(
      signaling,
      (peerId) => ({
        onState: refresh,
        onChat: refresh,
        onProgress: (direction, file, progress) => {
          view(peerId).transfer = { direction, file, progress };
          refresh();
        },
        onReceived: (file) => {
          const v = view(peerId);
          v.received.push(file);
          v.transfer = undefined;
          refresh();
        },
      }),
      (session) => {
        setSelected((current) => current ?? session.peerId);
        refresh();
      },
    );
    setManager(created);
    return () => created.dispose();
  }, [signaling]);

  useEffect(() => {
    if (!signaling) return;
    setConnection({ state: signaling.state });
    setPeers(signaling.peers);
    const offState = signaling.on('state', setConnection);
    const offPeers = signaling.on('peers', setPeers);
    return () => {
      offState();
      offPeers();
    };
  }, [signaling]);

  const register = useAction(async () => {
    if (!signaling) return;
    if (mode === 'licensed') {
      if (!identity) throw new Error('Import your certificate and key on the Station screen first.');
      await signaling.register({ callsign: identity.callsign, certificate: identity.certificate.toString('pem'), signNonce: (nonce) => signText(identity, nonce) });
    } else {
      await signaling.register({ callsign: 'GUEST' });
    }
  });

  const call = useAction(async (peerId: string) => {
    if (!manager) return;
    await manager.call(peerId);
    setSelected(peerId);
    refresh();
  });

  if (!nodeUrl || !signaling) return <Notice kind="info">Choose a node on the Connect screen first.</Notice>;
  const registered = connection.state === 'registered';
  const session = selected ? manager?.get(selected) : undefined;
  const selectedPeer = peers.find((p) => p.id === selected);

  return (
    <>
      <Section title="Register">
        <p role="status" data-testid="connection-state">
          {stateText[connection.state]} {connection.detail}
          {registered && signaling.clientId && <> Your id: <span className="mono">{signaling.clientId}</span></>}
        </p>
        {!registered && (
          <form
            onSubmit={(event: FormEvent) => {
              event.preventDefault();
              void register.run();
            }}
          >
            <fieldset>
              <legend>Register as</legend>
              <label className="choice">
                <input type="radio" name="mode" checked={mode === 'guest'} onChange={() => setMode('guest')} /> Guest (listen and chat, no licence needed)
              </label>
              <label className="choice">
                <input type="radio" name="mode" checked={mode === 'licensed'} onChange={() => setMode('licensed')} disabled={!identity} /> Licensed station
                {identity ? ` ${identity.callsign}` : ' (import your certificate on the Station screen)'}
              </label>
            </fieldset>
            <button type="submit" disabled={register.busy}>{register.busy ? 'Registering…' : 'Register'}</button>
          </form>
        )}
        <Notice kind="error">{register.error}</Notice>
      </Section>

      <Section title="Stations on the mesh">
        {registered && peers.length === 0 && <p>No other stations are connected yet.</p>}
        <ul className="list" aria-label="Stations on the mesh">
          {peers.map((peer) => {
            const peerSession = manager?.get(peer.id);
            return (
              <li key={peer.id}>
                <span>
                  <strong>{peer.callsign}</strong> {peer.hasLicense ? <span className="badge">licensed</span> : <span className="badge muted">guest</span>}
                  <br />
                  <small className="mono">{peer.id}</small>
                  {peerSession && <small> · {peerSession.state}</small>}
                </span>
                <span className="actions">
                  {peerSession?.state === 'open' ? (
                    <button type="button" className="secondary" onClick={() => setSelected(peer.id)} aria-label={`Show chat with ${peer.callsign} ${peer.id}`}>
                      Show
                    </button>
                  ) : (
                    <button type="button" onClick={() => void call.run(peer.id)} disabled={!registered} aria-label={`Connect to ${peer.callsign} ${peer.id}`}>
                      Connect
                    </button>
                  )}
                </span>
              </li>
            );
          })}
        </ul>
        <Notice kind="error">{call.error}</Notice>
      </Section>

      {session && selected && <SessionPanel session={session} callsign={selectedPeer?.callsign ?? selected} view={view(selected)} onChange={refresh} />}
    </>
  );
}

function SessionPanel({ session, callsign, view, onChange }: { session: PeerSession; callsign: string; view: PeerView; onChange: () => void }) {
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const chat = useAction(async () => {
    session.sendChat(text);
    setText('');
  });
  const send = useAction(async () => {
    if (!file) throw new Error('Choose a file first.');
    view.outcome = undefined;
    const result = await session.sendFile(file);
    view.transfer = undefined;
    view.outcome = result.verified
      ? `${file.name} arrived intact (SHA-256 matches)${result.resumedFrom ? `, resumed after ${formatBytes(result.resumedFrom)}` : ''}.`
      : `${file.name} arrived damaged (SHA-256 differs). Send it again.`;
    onChange();
  });
  const open = session.state === 'open';
  const transfer = view.transfer;

  return (
    <Section title={`Connection with ${callsign}`}>
      <p role="status" data-testid="session-state">
        {session.state === 'open' ? 'Direct connection open.' : session.state === 'connecting' ? 'Setting up a direct connection through the node…' : `Connection ${session.state}.`}
      </p>
      <ol className="chat" role="log" aria-label="Chat" aria-live="polite">
        {session.chat.map((line, index) => (
          <li key={index} className={line.from}>
            <strong>{line.from === 'me' ? 'You' : callsign}:</strong> {line.text}
          </li>
        ))}
      </ol>
      <form
        className="row"
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          if (text.trim()) void chat.run();
        }}
      >
        <label htmlFor="chat-input">Message</label>
        <input id="chat-input" value={text} onChange={(e) => setText(e.target.value)} disabled={!open} autoComplete="off" />
        <button type="submit" disabled={!open || !text.trim()}>Send</button>
      </form>
      <Notice kind="error">{chat.error}</Notice>

      <form
        className="row"
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          void send.run();
        }}
      >
        <label htmlFor="file-input">File to send</label>
        <input id="file-input" type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} disabled={!open} />
        <button type="submit" disabled={!open || !file || send.busy}>Send file</button>
      </form>
      <Notice kind="error">{send.error}</Notice>
      <Notice kind="ok">{view.outcome}</Notice>
      {transfer && (
        <div className="transfer">
          <label htmlFor="transfer-progress">
            {transfer.direction === 'send' ? 'Sending' : 'Receiving'} {transfer.file.name}
          </label>
          <progress id="transfer-progress" max={transfer.file.size || 1} value={transfer.progress.done} />
          <p>
            {formatBytes(transfer.progress.done)} of {formatBytes(transfer.file.size)} · {formatBytes(transfer.progress.bytesPerSecond)}/s · {formatSeconds(transfer.progress.secondsLeft)} left
          </p>
        </div>
      )}
      {view.received.length > 0 && (
        <ul className="list" aria-label="Files received">
          {view.received.map((received, index) => (
            <li key={index} data-testid="received-file" data-sha256={received.sha256} data-verified={String(received.verified)}>
              <span>
                <strong>{received.name}</strong> ({formatBytes(received.size)}) {received.verified ? '— SHA-256 verified' : '— damaged: SHA-256 differs'}
              </span>
              <DownloadLink name={received.name} data={received.blob}>Save</DownloadLink>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
