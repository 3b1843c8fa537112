// HTTP calls to one node (shared/protocol.md); every failure becomes a NodeError with a sentence.
import { NodeError } from '../errors';

export interface NodeStatus {
  state: 'unclaimed' | 'claimed' | 'active' | string;
  owner: string | null;
  version: string;
  endpoint: string;
  signaling: { url: string; connected: number };
  uptime: number | string;
  nodeId?: string;
}

export interface NodeInfo {
  type: string;
  version: string;
  capabilities: string[];
  callsign: string | null;
  signalingUrl: string;
  nodeId?: string;
}

export interface LocalServer { callsign: string | null; endpoint: string; signalingUrl?: string; capabilities?: string[] }
export interface MeshMember { address: string; status: string; callsign?: string | null; roles?: string[] }
export interface MeshView { self: string; leader: string | null; members: MeshMember[]; unreachable: string[] }
export interface PeerNode { endpoint: string; callsign?: string | null; capabilities?: string[]; lastContact?: string; discoveryMethod?: string }
export interface CertificateSummary { fingerprint: string; callsign: string; licenseClass?: string | null; trustLevel: 'root' | 'intermediate' | 'peer' | string }
export interface CertificateDetail {
  fingerprint: string;
  serialNumber: string;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  extensions: { callsign?: string; licenseClass?: string | null; canIssue?: boolean; issuerChain?: string[] };
  chain?: string[];
}
export interface ClaimResult { success: boolean; owner: string; signalingUrl: string; accessToken: string }
export interface IssuedCertificate { certificate: string; chain: string[]; fingerprint?: string }
/** What the issuing owner checked: the licensee's callsign, their licence class, and where it was checked. */
export interface ProofOfLicense { callsign: string; licenseClass?: string; reference?: string }

type FetchLike = typeof fetch;

export class NodeApi {
  readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly accessToken: string | null = null,
    private readonly fetchImpl: FetchLike = (...args) => fetch(...args),
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  withToken(accessToken: string | null): NodeApi {
    return new NodeApi(this.baseUrl, accessToken, this.fetchImpl);
  }

  status = () => this.request<NodeStatus>('GET', '/api/status');
  info = () => this.request<NodeInfo>('GET', '/api/info');
  localServers = () => this.request<{ servers: LocalServer[] }>('GET', '/api/local-servers').then((r) => r.servers);
  mesh = () => this.request<MeshView>('GET', '/api/mesh');
  peers = () => this.request<PeerNode[] | { peers: PeerNode[] }>('GET', '/api/peers').then((r) => (Array.isArray(r) ? r : r.peers));
  addPeer = (endpoint: string, callsign?: string) => this.request<unknown>('POST', '/api/peers', { endpoint, callsign });
  certificates = () =>
    this.request<CertificateSummary[] | { certificates: CertificateSummary[] }>('GET', '/api/certificates').then((r) => (Array.isArray(r) ? r : r.certificates));
  certificate = (fingerprint: string) => this.request<CertificateDetail>('GET', `/api/certificates/${encodeURIComponent(fingerprint)}`);
  addCertificate = (certificate: string, chain: string[]) => this.request<unknown>('POST', '/api/certificates', { certificate, chain });
  blacklist = (fingerprint: string, reason: string) =>
    this.request<unknown>('POST', `/api/certificates/${encodeURIComponent(fingerprint)}/blacklist`, { reason });
  claimChallenge = () => this.request<{ nonce: string }>('GET', '/api/claim-challenge');
  claimStation = (body: { certificate: string; chain: string[]; station: { callsign: string; metadata?: Record<string, string> }; nonce: string; signature: string }) =>
    this.request<ClaimResult>('POST', '/api/claim-station', body);
  nodeCsr = () => this.request<{ csr: string }>('GET', '/api/node-csr');
  installNodeCertificate = (certificate: string, chain: string[]) => this.request<unknown>('POST', '/api/node-certificate', { certificate, chain });
  issueCertificate = (csr: string, proofOfLicense: ProofOfLicense) => this.request<IssuedCertificate>('POST', '/api/issue-certificate', { csr, proofOfLicense });

  private async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.accessToken) headers.Authorization = `Bearer ${this.accessToken}`;
    let response: Response;
    try {
      response = await this.fetchImpl(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
    } catch (error) {
      throw new NodeError('NETWORK', error instanceof Error ? error.message : undefined);
    }
    const text = await response.text();
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (response.ok) {
      if (json === undefined && text) throw new NodeError('NOT_AVAILABLE', `${path} did not answer with JSON`, response.status);
      return json as T;
    }
    const error = json as { error?: unknown; details?: unknown } | undefined;
    if (error && typeof error.error === 'string') {
      throw new NodeError(error.error, typeof error.details === 'string' ? error.details : undefined, response.status);
    }
    // A 404 without the node's JSON error shape means the endpoint itself is missing on this node.
    if (response.status === 404 || response.status === 405) throw new NodeError('NOT_AVAILABLE', undefined, response.status);
    if (response.status === 401) throw new NodeError('UNAUTHORIZED', undefined, 401);
    if (response.status === 403) throw new NodeError('FORBIDDEN', undefined, 403);
    throw new NodeError('HTTP_' + response.status, `The node answered ${response.status} ${response.statusText}.`, response.status);
  }
}
