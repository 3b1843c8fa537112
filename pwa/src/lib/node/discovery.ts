// Finding nodes: this page's own origin first, then nodes remembered in IndexedDB, a typed URL,
// and what each reachable node sees on its local network (/api/local-servers).
import { openDB, type IDBPDatabase } from 'idb';
import { NodeApi, type NodeInfo } from './api';

export type NodeSource = 'same-origin' | 'known' | 'manual' | 'local-network';

export interface KnownNode {
  url: string;
  callsign: string | null;
  nodeId?: string;
  lastSeen: number;
  source: NodeSource;
}

export interface FoundNode extends KnownNode {
  /** null: reported by another node on its local network, not probed from this browser. */
  reachable: boolean | null;
  info?: NodeInfo;
}

/** Accepts what a person types ("node.local:8080", "http://10.0.0.5", a ws:// URL) and returns the node's http(s) base URL. */
export function normalizeNodeUrl(input: string): string {
  let text = input.trim();
  if (!text) throw new Error('Type the address of a node, such as http://192.168.1.20:8080.');
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `http://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`"${input}" is not a node address. Use a form such as http://192.168.1.20:8080.`);
  }
  if (url.protocol === 'ws:') url.protocol = 'http:';
  if (url.protocol === 'wss:') url.protocol = 'https:';
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`"${input}" is not an http address of a node.`);
  return `${url.protocol}//${url.host}`;
}

/** The node's /ws/signal URL: what /api/info names (absolute or a path), else /ws/signal beside the HTTP base. */
export function signalingUrlFor(nodeUrl: string, advertised?: string | null): string {
  const base = new URL(normalizeNodeUrl(nodeUrl));
  const target = new URL(advertised || '/ws/signal', base);
  if (target.protocol === 'http:') target.protocol = 'ws:';
  if (target.protocol === 'https:') target.protocol = 'wss:';
  // A node behind a proxy may advertise its inside address; the browser must use the address it reached.
  if (target.hostname === '0.0.0.0' || target.hostname === '[::]') target.host = base.host;
  return target.toString();
}

export interface KnownNodeStore {
  list(): Promise<KnownNode[]>;
  remember(node: KnownNode): Promise<void>;
  forget(url: string): Promise<void>;
}

export class IndexedDbNodeStore implements KnownNodeStore {
  private db: Promise<IDBPDatabase>;

  constructor(name = 'mesh-pwa') {
    this.db = openDB(name, 1, {
      upgrade(db) {
        if (!db.objectStoreNames.contains('nodes')) db.createObjectStore('nodes', { keyPath: 'url' });
        if (!db.objectStoreNames.contains('settings')) db.createObjectStore('settings');
      },
    });
  }

  async list(): Promise<KnownNode[]> {
    const nodes = (await (await this.db).getAll('nodes')) as KnownNode[];
    return nodes.sort((a, b) => b.lastSeen - a.lastSeen);
  }

  async remember(node: KnownNode): Promise<void> {
    const db = await this.db;
    const existing = (await db.get('nodes', node.url)) as KnownNode | undefined;
    await db.put('nodes', { ...existing, ...node, callsign: node.callsign ?? existing?.callsign ?? null });
  }

  async forget(url: string): Promise<void> {
    await (await this.db).delete('nodes', url);
  }

  async getSetting<T>(key: string): Promise<T | undefined> {
    return (await (await this.db).get('settings', key)) as T | undefined;
  }

  async setSetting(key: string, value: unknown): Promise<void> {
    await (await this.db).put('settings', value, key);
  }
}

export interface DiscoverOptions {
  origin: string | null;
  store: KnownNodeStore;
  fetchImpl?: typeof fetch;
  now?: () => number;
}

/** Probes candidate nodes in order of preference; reachable ones are remembered for next time (and for offline use). */
export async function discoverNodes(options: DiscoverOptions): Promise<FoundNode[]> {
  const now = options.now ?? Date.now;
  const found = new Map<string, FoundNode>();
  const candidates: Array<{ url: string; source: NodeSource; callsign: string | null }> = [];
  if (options.origin && /^https?:/.test(options.origin)) candidates.push({ url: normalizeNodeUrl(options.origin), source: 'same-origin', callsign: null });
  for (const known of await options.store.list()) candidates.push({ url: known.url, source: known.source === 'same-origin' ? 'known' : known.source, callsign: known.callsign });

  const probe = async (candidate: { url: string; source: NodeSource; callsign: string | null }) => {
    if (found.has(candidate.url)) return;
    const entry: FoundNode = { ...candidate, lastSeen: 0, reachable: false };
    found.set(candidate.url, entry);
    try {
      const api = new NodeApi(candidate.url, null, options.fetchImpl);
      entry.info = await api.info();
      entry.reachable = true;
      entry.callsign = entry.info.callsign ?? candidate.callsign;
      entry.nodeId = entry.info.nodeId;
      entry.lastSeen = now();
      await options.store.remember({ url: entry.url, callsign: entry.callsign, nodeId: entry.nodeId, lastSeen: entry.lastSeen, source: entry.source });
      const local = await api.localServers().catch(() => []);
      for (const server of local) {
        let url: string;
        try {
          url = normalizeNodeUrl(server.endpoint);
        } catch {
          continue;
        }
        if (!found.has(url)) found.set(url, { url, callsign: server.callsign, lastSeen: now(), source: 'local-network', reachable: null });
      }
    } catch {
      entry.reachable = false;
    }
  };

  for (const candidate of candidates) await probe(candidate);
  return [...found.values()];
}
