import { decodeProtectedHeader } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { createLocalIssuer } from '../../src/auth/issuer.js';
import {
  ensureActiveKey,
  generateSigningKey,
  KeyRing,
  type KeyStore,
  MemoryKeyStore,
  pickActive,
  rotate,
  type SigningKeyRecord,
} from '../../src/auth/keys.js';
import { createVerifier } from '../../src/auth/verify.js';
import { BASE, manualClock, setup, T0, TENANT } from './fixtures.js';

const sec = (ms: number) => Math.floor(ms / 1000);

describe('signing keys', () => {
  it('creates an ES256 key by default, RS256 on request, and keeps the private half out of the public JWK', async () => {
    const es = await generateSigningKey();
    const rs = await generateSigningKey('RS256');
    expect([es.alg, rs.alg]).toEqual(['ES256', 'RS256']);
    for (const k of [es, rs]) {
      const pub = JSON.parse(k.publicJwk);
      expect(pub).toMatchObject({ kid: k.kid, alg: k.alg, use: 'sig' });
      expect(pub.d).toBeUndefined();
      expect(JSON.parse(k.privateJwk).d).toBeTypeOf('string');
      expect(k.retiredAt).toBeNull();
    }
  });

  it('ensureActiveKey creates one key and then keeps returning it', async () => {
    const store = new MemoryKeyStore();
    const a = await ensureActiveKey(store);
    const b = await ensureActiveKey(store, { alg: 'RS256' });
    expect(b.kid).toBe(a.kid);
    expect(await store.listSigningKeys()).toHaveLength(1);
  });

  it('picks the oldest unretired key, by createdAt then kid', () => {
    const rec = (kid: string, createdAt: number, retiredAt: number | null = null): SigningKeyRecord => ({
      kid,
      alg: 'ES256',
      privateJwk: '{}',
      publicJwk: '{}',
      createdAt,
      retiredAt,
    });
    expect(pickActive([rec('b', 10), rec('a', 10), rec('c', 5, 6)])?.kid).toBe('a');
    expect(pickActive([rec('z', 9), rec('a', 10)])?.kid).toBe('z');
    expect(pickActive([rec('a', 1, 2)])).toBeUndefined();
  });

  it('instances racing on an empty table end up with one active key that all of them use', async () => {
    const store = new MemoryKeyStore();
    const results = await Promise.all(Array.from({ length: 6 }, () => ensureActiveKey(store)));
    const rows = await store.listSigningKeys();
    expect(rows.length).toBeGreaterThan(1); // they did race: several candidates were inserted
    const unretired = rows.filter((r) => r.retiredAt === null);
    expect(unretired).toHaveLength(1);
    const winner = unretired[0]!.kid;
    // Some racers may have taken a candidate that was then retired; a fresh read agrees with everyone else.
    const rings = [new KeyRing(store), new KeyRing(store), new KeyRing(store)];
    for (const r of rings) expect((await r.signingKey()).kid).toBe(winner);
    // Every key any racer returned is still published, so whatever it signed verifies.
    const published = (await rings[0]!.jwks()).keys.map((k) => k.kid);
    for (const r of results) expect(published).toContain(r.kid);
  });

  it('a racer that re-read before a rival inserted converges on its next refresh', async () => {
    // Interleave by hand: A lists, inserts and re-reads before B inserts.
    const store = new MemoryKeyStore();
    const clock = manualClock();
    const a = await ensureActiveKey(store, { clock });
    const ringA = new KeyRing(store, { clock, refreshSeconds: 60 });
    expect((await ringA.signingKey()).kid).toBe(a.kid);
    // B saw the empty table too: it inserts its candidate (older by kid or not) and re-reads.
    const b = await generateSigningKey('ES256', sec(clock()));
    await store.insertSigningKey(b);
    const rows = await store.listSigningKeys();
    const winner = pickActive(rows)!;
    for (const r of rows)
      if (r.retiredAt === null && r.kid !== winner.kid) await store.retireSigningKey(r.kid, sec(clock()));
    clock.advance(60);
    expect((await ringA.signingKey()).kid).toBe(winner.kid);
  });
});

describe('key ring and rotation', () => {
  it('two instances on one store sign with the same key and accept each other’s tokens', async () => {
    const clock = manualClock();
    const store = new MemoryKeyStore();
    const one = createLocalIssuer({ keys: new KeyRing(store, { clock }), issuerBase: BASE, clock });
    const two = createLocalIssuer({ keys: new KeyRing(store, { clock }), issuerBase: BASE, clock });
    // Both start on an empty table, so they race to create the first key.
    const [t1, t2] = await Promise.all([one.mintToken({ tenant: TENANT }), two.mintToken({ tenant: TENANT })]);
    const v1 = createVerifier({ mode: 'local', keys: one.keys, issuerBase: BASE, clock });
    const v2 = createVerifier({ mode: 'local', keys: two.keys, issuerBase: BASE, clock });
    // Whichever candidate each signed with, the other accepts it.
    await expect(v1.verify(`Bearer ${t2}`)).resolves.toMatchObject({ tenant: TENANT });
    await expect(v2.verify(`Bearer ${t1}`)).resolves.toMatchObject({ tenant: TENANT });
    // A second later (a new key is re-checked every second) both sign with the one key left active.
    clock.advance(1);
    const [u1, u2] = await Promise.all([one.mintToken({ tenant: TENANT }), two.mintToken({ tenant: TENANT })]);
    const active = pickActive(await store.listSigningKeys())!.kid;
    expect([decodeProtectedHeader(u1).kid, decodeProtectedHeader(u2).kid]).toEqual([active, active]);
    await expect(v1.verify(`Bearer ${u2}`)).resolves.toMatchObject({ tenant: TENANT });
  });

  it('keeps a retired key published, and its tokens valid, until they have expired', async () => {
    const s = setup({ maxTokenTtl: 3600, refreshSeconds: 60 });
    const verifier = createVerifier({ mode: 'local', keys: s.ring, issuerBase: BASE, clock: s.clock, cacheSize: 0 });
    const old = await s.issuer.mintToken({ tenant: TENANT, ttlSeconds: 3600 });
    const oldKid = decodeProtectedHeader(old).kid;

    s.clock.advance(10);
    const rotation = await s.ring.rotate();
    expect(rotation.retired).toEqual([{ kid: oldKid, validUntil: sec(T0) + 10 + 3600 }]);
    const fresh = await s.issuer.mintToken({ tenant: TENANT });
    const newKid = decodeProtectedHeader(fresh).kid;
    expect(newKid).not.toBe(oldKid);
    expect(rotation.active.kid).toBe(newKid);

    const kids = async () => (await s.ring.jwks()).keys.map((k) => k.kid).sort();
    expect(await kids()).toEqual([oldKid, newKid].sort());
    await expect(verifier.verify(`Bearer ${old}`)).resolves.toMatchObject({ tenant: TENANT });
    await expect(verifier.verify(`Bearer ${fresh}`)).resolves.toMatchObject({ tenant: TENANT });

    // One second before the old token expires: still good.
    s.clock.set(T0 + 3599_000);
    await expect(verifier.verify(`Bearer ${old}`)).resolves.toMatchObject({ tenant: TENANT });
    // The old key leaves the JWKS at retiredAt + maxTokenTtl + refresh, when no token it signed can be valid.
    s.clock.set(T0 + (10 + 3600 + 60) * 1000 - 1);
    expect(await kids()).toEqual([oldKid, newKid].sort());
    s.clock.set(T0 + (10 + 3600 + 60) * 1000);
    expect(await kids()).toEqual([newKid]);
    const later = await s.issuer.mintToken({ tenant: TENANT });
    expect(decodeProtectedHeader(later).kid).toBe(newKid);
    await expect(verifier.verify(`Bearer ${later}`)).resolves.toMatchObject({ tenant: TENANT });
  });

  it("sees another instance's rotation at once when a token names the new kid", async () => {
    const clock = manualClock();
    const store = new MemoryKeyStore();
    const ringA = new KeyRing(store, { clock });
    const ringB = new KeyRing(store, { clock });
    const issuerA = createLocalIssuer({ keys: ringA, issuerBase: BASE, clock });
    const verifierB = createVerifier({ mode: 'local', keys: ringB, issuerBase: BASE, clock });
    await verifierB.verify(`Bearer ${await issuerA.mintToken({ tenant: TENANT })}`);
    await ringA.rotate();
    const token = await issuerA.mintToken({ tenant: TENANT });
    await expect(verifierB.verify(`Bearer ${token}`)).resolves.toMatchObject({ tenant: TENANT });
    // B signs with the new key once its view refreshes.
    clock.advance(60);
    expect((await ringB.signingKey()).kid).toBe(decodeProtectedHeader(token).kid);
  });

  it('rate-limits store reads caused by unknown kids', async () => {
    const clock = manualClock();
    const store = new MemoryKeyStore();
    const ring = new KeyRing(store, { clock, reloadCooldownMs: 1000 });
    await ring.signingKey();
    clock.advance(30); // past the first seconds in which a new key is re-checked every second
    await ring.signingKey();
    const list = vi.spyOn(store, 'listSigningKeys');
    for (let i = 0; i < 20; i++) expect(await ring.verificationKey(`unknown-${i}`)).toBeUndefined();
    expect(list).toHaveBeenCalledTimes(1);
    clock.advance(1);
    await ring.verificationKey('unknown-x');
    expect(list).toHaveBeenCalledTimes(2);
  });

  it('concurrent rotations never leave the table without an active key', async () => {
    const store = new MemoryKeyStore();
    await ensureActiveKey(store);
    await Promise.all([rotate(store, 3600), rotate(store, 3600), rotate(store, 3600)]);
    const active = pickActive(await store.listSigningKeys());
    expect(active).toBeDefined();
  });

  it('refuses a token lifetime above the maximum', async () => {
    const s = setup({ maxTokenTtl: 600 });
    await expect(s.issuer.mintToken({ ttlSeconds: 601 })).rejects.toThrow(/from 1 to 600/);
  });

  it('works over any KeyStore implementation (the port the SQL stores implement)', async () => {
    const rows: SigningKeyRecord[] = [];
    const store: KeyStore = {
      listSigningKeys: async () => rows.map((r) => ({ ...r })),
      insertSigningKey: async (k) => {
        if (!rows.some((r) => r.kid === k.kid)) rows.push(k);
      },
      retireSigningKey: async (kid, at) => {
        const i = rows.findIndex((r) => r.kid === kid && r.retiredAt === null);
        if (i >= 0) rows[i] = { ...rows[i]!, retiredAt: at };
      },
    };
    const ring = new KeyRing(store, { alg: 'RS256' });
    const issuer = createLocalIssuer({ keys: ring, issuerBase: BASE });
    const token = await issuer.mintToken({ tenant: TENANT });
    expect(decodeProtectedHeader(token).alg).toBe('RS256');
    const v = createVerifier({ mode: 'local', keyStore: store, issuerBase: BASE });
    await expect(v.verify(`Bearer ${token}`)).resolves.toMatchObject({ tenant: TENANT });
  });
});
