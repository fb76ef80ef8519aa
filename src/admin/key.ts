/**
 * The admin key (docs/admin.md#access): given (`--admin-key`, `ADMIN_KEY`) or created once in the data
 * directory as `admin.key`, readable by its owner only. Compared in constant time, over digests so that the
 * comparison does not depend on the offered key's length either.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ADMIN_KEY_FILE = 'admin.key';

export interface AdminKey {
  readonly key: string;
  /** The file it was read from or written to; undefined when it was given. */
  readonly path: string | undefined;
}

export const adminKeyPath = (dataDir: string): string => join(dataDir, ADMIN_KEY_FILE);

/** The key from the data directory; undefined when there is no file. */
export function readAdminKey(dataDir: string): string | undefined {
  const path = adminKeyPath(dataDir);
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
}

/** The given key, else the one in `<dataDir>/admin.key`, made (256 random bits, mode 0600) when missing. */
export function ensureAdminKey(dataDir: string, given: string | undefined): AdminKey {
  if (given !== undefined && given !== '') return { key: given, path: undefined };
  const path = adminKeyPath(dataDir);
  const existing = readAdminKey(dataDir);
  if (existing) return { key: existing, path };
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64url');
  // `wx`: of two servers starting at once on one data directory, one writes and the other reads the winner's.
  try {
    writeFileSync(path, `${key}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
    return { key, path };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return { key: readAdminKey(dataDir)!, path };
  }
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Whether an `Authorization` header carries the key as a bearer credential. */
export function keyMatches(expected: string, authorization: string | undefined): boolean {
  const m = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
  return timingSafeEqual(digest(m?.[1] ?? ''), digest(expected)) && m !== null;
}

/** A JWT's shape (three base64url parts), to tell a Graph token from a wrong key in the 401's message. */
export const looksLikeJwt = (authorization: string | undefined): boolean =>
  /^Bearer +[\w-]+\.[\w-]+\.[\w-]*$/i.test(authorization?.trim() ?? '');
