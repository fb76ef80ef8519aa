/** Store conformance: the local issuer's signing keys and the server secrets. */
import { describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/port.js';
import { newTenant } from '../fixtures.js';
import type { Conformance } from './context.js';

export function keyCases(c: Conformance): void {
  let store!: Store;
  c.opened((s) => {
    store = s;
  });

  describe('issuer keys and secrets', () => {
    const key = (kid: string, createdAt: number) => ({
      kid,
      alg: 'ES256' as const,
      privateJwk: `{"kid":"${kid}","d":"x"}`,
      publicJwk: `{"kid":"${kid}"}`,
      createdAt,
      retiredAt: null,
    });

    it('signing keys: insert-if-absent, retire once, listed oldest first', async () => {
      const before = await store.listSigningKeys();
      const tag = newTenant().slice(0, 8);
      await store.insertSigningKey(key(`${tag}-b`, 2_000_000_000));
      await store.insertSigningKey(key(`${tag}-a`, 2_000_000_000));
      await store.insertSigningKey({ ...key(`${tag}-a`, 1), privateJwk: 'other' });
      await store.insertSigningKey(key(`${tag}-c`, 2_000_000_001));
      await store.retireSigningKey(`${tag}-b`, 2_100_000_000);
      await store.retireSigningKey(`${tag}-b`, 2_200_000_000);
      const mine = (await store.listSigningKeys()).filter((k) => k.kid.startsWith(tag));
      expect(mine.map((k) => [k.kid, k.createdAt, k.retiredAt])).toEqual([
        [`${tag}-a`, 2_000_000_000, null],
        [`${tag}-b`, 2_000_000_000, 2_100_000_000],
        [`${tag}-c`, 2_000_000_001, null],
      ]);
      expect(mine[0]!.privateJwk).toBe(`{"kid":"${tag}-a","d":"x"}`);
      expect((await store.listSigningKeys()).length).toBe(before.length + 3);
    });

    it('a secret is created once and then shared, also when asked for concurrently', async () => {
      const name = `s-${newTenant()}`;
      let made = 0;
      const values = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.secret(name, () => {
            made++;
            return `v${i}`;
          }),
        ),
      );
      expect(new Set(values).size).toBe(1);
      expect(made).toBeGreaterThanOrEqual(1);
      expect(await store.secret(name, () => 'later')).toBe(values[0]);
    });
  });
}
