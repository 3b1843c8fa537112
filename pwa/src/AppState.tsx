// What every screen shares: the chosen node, its API and signaling connection, and the operator's identity.
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { NodeApi } from './lib/node/api';
import { IndexedDbNodeStore, normalizeNodeUrl, signalingUrlFor } from './lib/node/discovery';
import { SignalingClient } from './lib/signaling/client';
import { loadIdentity, loadOwnerToken } from './lib/certificates/identityStore';
import type { OperatorIdentity } from './lib/certificates/importer';

export interface AppState {
  nodeUrl: string | null;
  setNodeUrl(url: string): Promise<void>;
  api: NodeApi | null;
  ownerApi: NodeApi | null;
  ownerToken: string | null;
  setOwnerToken(token: string | null): void;
  signaling: SignalingClient | null;
  identity: OperatorIdentity | null;
  setIdentity(identity: OperatorIdentity | null): void;
  store: IndexedDbNodeStore;
}

const Context = createContext<AppState | null>(null);
const store = new IndexedDbNodeStore();

function initialNodeUrl(): string | null {
  const fromQuery = new URLSearchParams(location.search).get('node');
  if (fromQuery) {
    try {
      return normalizeNodeUrl(fromQuery);
    } catch {
      return null;
    }
  }
  return /^https?:$/.test(location.protocol) ? location.origin : null;
}

export function AppStateProvider({ children }: { children: ReactNode }) {
  const [nodeUrl, setNodeUrlState] = useState<string | null>(initialNodeUrl);
  const [identity, setIdentity] = useState<OperatorIdentity | null>(null);
  const [ownerToken, setOwnerToken] = useState<string | null>(null);

  useEffect(() => {
    void store.getSetting<string>('nodeUrl').then((saved) => {
      if (saved && !new URLSearchParams(location.search).get('node')) setNodeUrlState(saved);
    });
    void loadIdentity().then(setIdentity).catch(() => setIdentity(null));
  }, []);

  useEffect(() => {
    setOwnerToken(null);
    if (nodeUrl) void loadOwnerToken(nodeUrl).then(setOwnerToken);
  }, [nodeUrl]);

  const api = useMemo(() => (nodeUrl ? new NodeApi(nodeUrl) : null), [nodeUrl]);
  const signaling = useMemo(() => (nodeUrl ? new SignalingClient({ url: signalingUrlFor(nodeUrl) }) : null), [nodeUrl]);
  useEffect(() => () => signaling?.close(), [signaling]);

  const value: AppState = {
    nodeUrl,
    async setNodeUrl(url: string) {
      const normalized = normalizeNodeUrl(url);
      await store.setSetting('nodeUrl', normalized);
      setNodeUrlState(normalized);
    },
    api,
    ownerApi: api && ownerToken ? api.withToken(ownerToken) : null,
    ownerToken,
    setOwnerToken,
    signaling,
    identity,
    setIdentity,
    store,
  };
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useAppState(): AppState {
  const state = useContext(Context);
  if (!state) throw new Error('useAppState outside AppStateProvider');
  return state;
}
