import { useEffect, useState } from 'react';
import { useAppState } from '../AppState';
import { Notice, Section } from '../components';
import type { MeshView, NodeInfo, NodeStatus, PeerNode } from '../lib/node/api';

function useNodeData<T>(load: (() => Promise<T>) | null, refreshMs = 5000) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!load) return;
    let live = true;
    const tick = () =>
      load().then(
        (value) => live && (setData(value), setError(null)),
        (caught: Error) => live && setError(caught.message),
      );
    void tick();
    const timer = setInterval(tick, refreshMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [load, refreshMs]);
  return { data, error };
}

function formatUptime(seconds: number | string): string {
  const total = typeof seconds === 'number' ? seconds : Number(seconds);
  if (!Number.isFinite(total)) return String(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  return h ? `${h} h ${m} min` : m ? `${m} min` : `${Math.floor(total)} s`;
}

export function NodeScreen() {
  const { api, nodeUrl } = useAppState();
  const status = useNodeData<NodeStatus>(api?.status ?? null);
  const info = useNodeData<NodeInfo>(api?.info ?? null, 30_000);
  const mesh = useNodeData<MeshView>(api?.mesh ?? null);
  const peers = useNodeData<PeerNode[]>(api?.peers ?? null, 15_000);

  if (!nodeUrl) return <Notice kind="info">Choose a node on the Connect screen first.</Notice>;
  const s = status.data;
  return (
    <>
      <Section title="This node">
        <Notice kind="error">{status.error}</Notice>
        {s && (
          <dl className="facts">
            <dt>State</dt>
            <dd>{s.state}</dd>
            <dt>Owner</dt>
            <dd>{s.owner ?? 'nobody yet (unclaimed)'}</dd>
            <dt>Version</dt>
            <dd>{s.version}</dd>
            <dt>Connected clients</dt>
            <dd data-testid="connected-clients">{s.signaling.connected}</dd>
            <dt>Up for</dt>
            <dd>{formatUptime(s.uptime)}</dd>
            {s.nodeId && (
              <>
                <dt>Node id</dt>
                <dd className="mono">{s.nodeId}</dd>
              </>
            )}
            <dt>Capabilities</dt>
            <dd>{info.data?.capabilities.join(', ') ?? '…'}</dd>
          </dl>
        )}
      </Section>
      <Section title="Mesh members">
        <Notice kind="info">{mesh.error}</Notice>
        {mesh.data && (
          <ul className="list" aria-label="Mesh members">
            {mesh.data.members.map((member) => (
              <li key={member.address}>
                <span>
                  <strong>{member.callsign ?? 'node'}</strong> <span className="mono">{member.address}</span>
                  {member.address === mesh.data!.leader && ' (leader)'}
                  {member.address === mesh.data!.self && ' (this node)'}
                </span>
                <span>{mesh.data!.unreachable.includes(member.address) ? 'unreachable' : member.status}</span>
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section title="Known peer nodes">
        <Notice kind="info">{peers.error}</Notice>
        {peers.data && peers.data.length === 0 && <p>This node knows no other nodes yet.</p>}
        <ul className="list" aria-label="Known peer nodes">
          {peers.data?.map((peer) => (
            <li key={peer.endpoint}>
              <span>
                <strong>{peer.callsign ?? 'node'}</strong> <span className="mono">{peer.endpoint}</span>
              </span>
              <span>{peer.discoveryMethod}</span>
            </li>
          ))}
        </ul>
      </Section>
    </>
  );
}
