import type { Endpoint, EndpointSummary, RiskLevel } from '../contracts/endpoint.js';
import type { Finding, Severity } from '../contracts/finding.js';
import type { Reject } from '../contracts/api-event.js';

/**
 * The one store contract. The SQLite adapter (embedded default) and, later, the PostgreSQL adapter both
 * pass `store.contract.ts`. Methods are async so that both adapters share the contract.
 *
 * The store keeps aggregates, not raw events: it grows with endpoints and findings, not with traffic.
 * Everything handed to it has already been redacted.
 */
export interface Store {
  /** Creates or migrates the schema. Idempotent. */
  init(): Promise<void>;
  close(): Promise<void>;

  /** Key/value metadata (installation secret, discovery state, schema facts). Values are JSON. */
  getMeta<T = unknown>(key: string): Promise<T | null>;
  setMeta(key: string, value: unknown): Promise<void>;

  /**
   * Upserts endpoints by id together with their mergeable aggregate state (opaque JSON owned by the
   * pipeline), and deletes the ids in `removed` (endpoints merged into a new template), with their
   * samples and findings, in one transaction. The pipeline re-reports a merged endpoint's problems
   * under the new endpoint.
   */
  saveEndpoints(rows: StoredEndpoint[], removed?: string[]): Promise<void>;
  getEndpoint(id: string): Promise<Endpoint | null>;
  /** All aggregate states, to resume aggregation after a restart. */
  loadEndpointStates(): Promise<StoredEndpoint[]>;
  listEndpoints(query: EndpointQuery): Promise<Page<EndpointSummary>>;
  inventorySummary(): Promise<InventorySummary>;

  /**
   * Upserts findings by id (the fingerprint): a known id keeps its `firstSeen`, takes the later `lastSeen`,
   * adds `count`, and takes the new evidence, severity and status.
   */
  saveFindings(findings: Finding[]): Promise<void>;
  /** Marks open findings of the given endpoints whose ids are not in `keep` as resolved. */
  resolveFindingsNotIn(endpointIds: string[], keep: string[], at: string): Promise<number>;
  getFinding(id: string): Promise<Finding | null>;
  listFindings(query: FindingQuery): Promise<Page<Finding>>;

  /** Adds redacted sample events; keeps at most `maxPerEndpoint` newest per endpoint. */
  addSamples(samples: EventSample[], maxPerEndpoint: number): Promise<void>;
  listSamples(endpointId: string, limit: number): Promise<EventSample[]>;

  /** Dead letters: rejected input records with reasons. Keeps at most `maxKept` newest. */
  addRejects(rejects: StoredReject[], maxKept: number): Promise<void>;
  listRejects(limit: number): Promise<StoredReject[]>;

  /** API tokens. Only a hash of the secret is ever stored. */
  createToken(token: StoredToken): Promise<void>;
  findTokenByHash(hash: string): Promise<StoredToken | null>;
  listTokens(): Promise<StoredToken[]>;
  revokeToken(id: string): Promise<boolean>;
  touchToken(id: string, at: string): Promise<void>;
}

export interface StoredEndpoint {
  endpoint: Endpoint;
  /** Opaque, JSON-serialisable aggregate state owned by the pipeline. */
  state: unknown;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** List caps: no query returns more than this many rows. */
export const MAX_PAGE_SIZE = 500;

export interface EndpointQuery {
  limit?: number;
  offset?: number;
  host?: string;
  method?: string;
  riskLevel?: RiskLevel;
  minScore?: number;
  internetExposed?: boolean;
  authenticated?: boolean;
  dataClass?: string;
  /** Case-insensitive substring of host or path template. */
  search?: string;
  sort?: 'risk' | 'calls' | 'lastSeen' | 'firstSeen' | 'path' | 'host';
  order?: 'asc' | 'desc';
}

export interface FindingQuery {
  limit?: number;
  offset?: number;
  endpointId?: string;
  severity?: Severity;
  minSeverity?: Severity;
  ruleId?: string;
  status?: 'open' | 'resolved';
  host?: string;
}

export interface InventorySummary {
  hosts: number;
  apis: number;
  endpoints: number;
  internetExposed: number;
  unauthenticated: number;
  plainHttp: number;
  withSensitiveData: number;
  byRiskLevel: Record<RiskLevel, number>;
  openFindingsBySeverity: Record<Severity, number>;
}

/** A redacted request/response pair kept as evidence for an endpoint. */
export interface EventSample {
  endpointId: string;
  timestamp: string;
  /** The redacted `ApiEvent` as JSON-serialisable data. */
  event: unknown;
}

export interface StoredReject extends Reject {
  at: string;
}

export type TokenScope = 'ingest' | 'read' | 'admin';

export interface StoredToken {
  id: string;
  name: string;
  scopes: TokenScope[];
  /** Hex SHA-256 of the token secret. */
  hash: string;
  createdAt: string;
  lastUsedAt: string | null;
  revoked: boolean;
}
