/**
 * Signing keys of the local issuer. They live in the store (table `signing_keys`, not per tenant) so
 * that every instance on one database, and the `token` command, sign and verify with the same keys.
 *
 * Lifecycle: one key is active (unretired); `rotate` adds a new one and retires the old; a retired key stays in the
 * JWKS until `retiredAt + maxTokenTtl + refresh` so the tokens it signed keep verifying until they expire (the
 * refresh term covers an instance that signs with a key it has not yet seen retired).
 */
import { type CryptoKey, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

export type SigningAlg = 'RS256' | 'ES256';

/** One row of `signing_keys`. Times are epoch seconds; JWKs are JSON text. */
export interface SigningKeyRecord {
  readonly kid: string;
  readonly alg: SigningAlg;
  readonly privateJwk: string;
  readonly publicJwk: string;
  readonly createdAt: number;
  readonly retiredAt: number | null;
}

/**
 * The storage port. `insertSigningKey` must be insert-if-absent (a duplicate kid is ignored, not an error);
 * `retireSigningKey` sets `retiredAt` only on a key that is not yet retired.
 */
export interface KeyStore {
  listSigningKeys(): Promise<SigningKeyRecord[]>;
  insertSigningKey(k: SigningKeyRecord): Promise<void>;
  retireSigningKey(kid: string, at: number): Promise<void>;
}

/** For tests and `:memory:` setups. */
export class MemoryKeyStore implements KeyStore {
  private readonly rows = new Map<string, SigningKeyRecord>();

  async listSigningKeys(): Promise<SigningKeyRecord[]> {
    return [...this.rows.values()].sort(byAge);
  }

  async insertSigningKey(k: SigningKeyRecord): Promise<void> {
    if (!this.rows.has(k.kid)) this.rows.set(k.kid, { ...k });
  }

  async retireSigningKey(kid: string, at: number): Promise<void> {
    const row = this.rows.get(kid);
    if (row && row.retiredAt === null) this.rows.set(kid, { ...row, retiredAt: at });
  }
}

/** Oldest first: createdAt, then kid, so every instance orders the same rows the same way. */
const byAge = (a: SigningKeyRecord, b: SigningKeyRecord): number =>
  a.createdAt - b.createdAt || (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0);

/** The key every instance signs with: the oldest unretired one. A pure function of the rows, hence agreed on. */
export function pickActive(records: readonly SigningKeyRecord[]): SigningKeyRecord | undefined {
  let best: SigningKeyRecord | undefined;
  for (const r of records) if (r.retiredAt === null && (best === undefined || byAge(r, best) < 0)) best = r;
  return best;
}

/** Whether a key belongs in the JWKS at `now` (epoch seconds). */
export function isPublished(r: SigningKeyRecord, keepSeconds: number, now: number): boolean {
  return r.retiredAt === null || now < r.retiredAt + keepSeconds;
}

const nowSeconds = (clock: () => number): number => Math.floor(clock() / 1000);

/** A fresh key pair as a record; the kid is the RFC 7638 thumbprint of the public key. */
export async function generateSigningKey(
  alg: SigningAlg = 'ES256',
  createdAt = nowSeconds(Date.now),
): Promise<SigningKeyRecord> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, modulusLength: 2048 });
  const pub = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(pub);
  const priv = await exportJWK(privateKey);
  const meta = { kid, alg, use: 'sig' };
  return {
    kid,
    alg,
    privateJwk: JSON.stringify({ ...priv, ...meta }),
    publicJwk: JSON.stringify({ ...pub, ...meta }),
    createdAt,
    retiredAt: null,
  };
}

export interface KeyOptions {
  /** Algorithm of keys this call generates; existing keys keep theirs. Default ES256. */
  alg?: SigningAlg;
  /** Milliseconds since the epoch; default `Date.now`. */
  clock?: () => number;
}

/**
 * The active key, creating one when there is none. Instances racing on an empty table each insert a candidate,
 * re-read, take the oldest unretired key and retire the other candidates they see. The last to re-read sees every
 * candidate, so exactly one stays unretired. An instance that re-read earlier may sign with a candidate that is
 * then retired; it switches on its next refresh, and the retired key stays published long enough for those tokens.
 */
export async function ensureActiveKey(store: KeyStore, opts: KeyOptions = {}): Promise<SigningKeyRecord> {
  const clock = opts.clock ?? Date.now;
  const existing = pickActive(await store.listSigningKeys());
  if (existing) return existing;
  await store.insertSigningKey(await generateSigningKey(opts.alg, nowSeconds(clock)));
  const records = await store.listSigningKeys();
  const active = pickActive(records);
  if (!active) throw new Error('No active signing key after inserting one: keys are being retired concurrently.');
  for (const r of records) {
    if (r.retiredAt === null && r.kid !== active.kid) await store.retireSigningKey(r.kid, nowSeconds(clock));
  }
  return active;
}

export interface Rotation {
  readonly active: SigningKeyRecord;
  /** The keys this rotation retired and the time (epoch seconds) until which their tokens stay verifiable. */
  readonly retired: readonly { kid: string; validUntil: number }[];
}

/**
 * Adds a new key and retires the ones that were active. Only the keys seen before the insert are retired, so two
 * concurrent rotations leave two unretired keys (and `pickActive` chooses between them) rather than none.
 */
export async function rotate(store: KeyStore, maxTokenTtl: number, opts: KeyOptions = {}): Promise<Rotation> {
  const clock = opts.clock ?? Date.now;
  const before = await store.listSigningKeys();
  const fresh = await generateSigningKey(opts.alg, nowSeconds(clock));
  await store.insertSigningKey(fresh);
  const at = nowSeconds(clock);
  const retired: { kid: string; validUntil: number }[] = [];
  for (const r of before) {
    if (r.retiredAt !== null) continue;
    await store.retireSigningKey(r.kid, at);
    retired.push({ kid: r.kid, validUntil: at + maxTokenTtl });
  }
  const active = pickActive(await store.listSigningKeys());
  if (!active) throw new Error('No active signing key after rotation: keys are being retired concurrently.');
  return { active, retired };
}

/** A key ready for jose: the imported CryptoKey plus what the header and JWKS need. */
export interface LoadedKey {
  readonly kid: string;
  readonly alg: SigningAlg;
  readonly key: CryptoKey;
}

export interface KeyRingOptions extends KeyOptions {
  /** Longest lifetime of a token this issuer mints, seconds. Default 86,400. */
  maxTokenTtl?: number;
  /** How long one read of the table is trusted before the active key and the JWKS are re-read, seconds. Default 60. */
  refreshSeconds?: number;
  /** Least time between two re-reads caused by an unknown kid, so random kids cannot flood the store. Default 1,000 ms. */
  reloadCooldownMs?: number;
}

interface Snapshot {
  readonly loadedAt: number;
  readonly records: readonly SigningKeyRecord[];
  readonly active: SigningKeyRecord | undefined;
}

const DEFAULT_MAX_TTL = 86_400;
const DEFAULT_REFRESH = 60;
const YOUNG_SECONDS = 10;

/**
 * An instance's view of the signing keys: which one to sign with, which to publish and verify with. Reads the
 * store at most every `refreshSeconds`, and again (rate-limited) when a token names a kid it has not seen, so a
 * rotation done by another instance is picked up at once.
 */
export class KeyRing {
  readonly maxTokenTtl: number;
  readonly refreshSeconds: number;
  private readonly store: KeyStore;
  private readonly alg: SigningAlg;
  private readonly clock: () => number;
  private readonly cooldownMs: number;
  private snapshot: Snapshot | undefined;
  private loading: Promise<Snapshot> | undefined;
  private lastUnknownReload = Number.NEGATIVE_INFINITY;
  /** Imported keys by kid, private (signing) and public (verifying): import once, reuse across reloads. */
  private privateKeys = new Map<string, Promise<CryptoKey>>();
  private publicKeys = new Map<string, Promise<CryptoKey>>();

  constructor(store: KeyStore, opts: KeyRingOptions = {}) {
    this.store = store;
    this.alg = opts.alg ?? 'ES256';
    this.clock = opts.clock ?? Date.now;
    this.maxTokenTtl = opts.maxTokenTtl ?? DEFAULT_MAX_TTL;
    this.refreshSeconds = opts.refreshSeconds ?? DEFAULT_REFRESH;
    this.cooldownMs = opts.reloadCooldownMs ?? 1_000;
  }

  /** Seconds a retired key stays published. */
  get keepSeconds(): number {
    return this.maxTokenTtl + this.refreshSeconds;
  }

  /** The key to sign with; creates the first key when the table has none. */
  async signingKey(): Promise<LoadedKey> {
    let snap = await this.fresh();
    if (!snap.active) {
      await ensureActiveKey(this.store, { alg: this.alg, clock: this.clock });
      snap = await this.reload();
    }
    const active = snap.active;
    if (!active) throw new Error('No active signing key.');
    return this.load(active, this.privateKeys, active.privateJwk);
  }

  /** The published key with this kid, or undefined; an unknown kid triggers one re-read (rate-limited). */
  async verificationKey(kid: string): Promise<LoadedKey | undefined> {
    let rec = this.published(await this.fresh(), kid);
    if (!rec) {
      const t = this.clock();
      if (t - this.lastUnknownReload < this.cooldownMs) return undefined;
      this.lastUnknownReload = t;
      rec = this.published(await this.reload(), kid);
      if (!rec) return undefined;
    }
    return this.load(rec, this.publicKeys, rec.publicJwk);
  }

  /** The public keys to publish now. */
  async jwks(): Promise<{ keys: JWK[] }> {
    const snap = await this.fresh();
    const now = nowSeconds(this.clock);
    const keys: JWK[] = [];
    for (const r of snap.records) if (isPublished(r, this.keepSeconds, now)) keys.push(JSON.parse(r.publicJwk) as JWK);
    return { keys };
  }

  /** Rotates in the store and re-reads, so this instance signs with the new key at once. */
  async rotate(): Promise<Rotation> {
    const result = await rotate(this.store, this.maxTokenTtl, { alg: this.alg, clock: this.clock });
    await this.reload();
    return result;
  }

  /** Forgets the cached view; the next call re-reads the store. */
  invalidate(): void {
    this.snapshot = undefined;
  }

  private published(snap: Snapshot, kid: string): SigningKeyRecord | undefined {
    const now = nowSeconds(this.clock);
    for (const r of snap.records) if (r.kid === kid) return isPublished(r, this.keepSeconds, now) ? r : undefined;
    return undefined;
  }

  private async fresh(): Promise<Snapshot> {
    const s = this.snapshot;
    if (s) {
      const t = this.clock();
      // A key created moments ago may still lose a startup race (ensureActiveKey): look again every second.
      const young = s.active !== undefined && nowSeconds(this.clock) - s.active.createdAt < YOUNG_SECONDS;
      if (t - s.loadedAt < (young ? 1_000 : this.refreshSeconds * 1000)) return s;
    }
    return this.reload();
  }

  /** One read at a time: concurrent callers share it. */
  private reload(): Promise<Snapshot> {
    if (this.loading) return this.loading;
    const loading = (async () => {
      const loadedAt = this.clock();
      const records = await this.store.listSigningKeys();
      this.privateKeys = keep(this.privateKeys, records);
      this.publicKeys = keep(this.publicKeys, records);
      const snap: Snapshot = { loadedAt, records, active: pickActive(records) };
      this.snapshot = snap;
      return snap;
    })();
    this.loading = loading;
    const done = (): void => {
      if (this.loading === loading) this.loading = undefined;
    };
    loading.then(done, done);
    return loading;
  }

  private async load(r: SigningKeyRecord, cache: Map<string, Promise<CryptoKey>>, jwkText: string): Promise<LoadedKey> {
    let key = cache.get(r.kid);
    if (!key) {
      key = importJWK(JSON.parse(jwkText) as JWK, r.alg) as Promise<CryptoKey>;
      cache.set(r.kid, key);
      key.catch(() => cache.delete(r.kid));
    }
    return { kid: r.kid, alg: r.alg, key: await key };
  }
}

/** Drops imported keys whose rows are gone. A kid is a thumbprint, so a kept entry is still the right key. */
function keep(
  cache: Map<string, Promise<CryptoKey>>,
  records: readonly SigningKeyRecord[],
): Map<string, Promise<CryptoKey>> {
  const kept = new Map<string, Promise<CryptoKey>>();
  for (const r of records) {
    const k = cache.get(r.kid);
    if (k) kept.set(r.kid, k);
  }
  return kept;
}
