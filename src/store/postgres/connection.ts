/**
 * The pg connection settings a PostgreSQL URL stands for, read as libpq (and so `psql`) reads it. node-postgres
 * falls back to `$USER` when the URL names no user, and sends no user at all where `$USER` is unset (containers,
 * systemd units, cron), which the server refuses. libpq takes `PGUSER`, else the operating-system user.
 */
import { userInfo } from 'node:os';

export interface ConnectionConfig {
  readonly connectionString: string;
}

/** The user libpq connects as when the URL names none: `PGUSER` if set and not empty, else the OS user. */
export function defaultUser(env: NodeJS.ProcessEnv = process.env): string {
  return env.PGUSER || userInfo().username;
}

export function connectionConfig(url: string, env: NodeJS.ProcessEnv = process.env): ConnectionConfig {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL this code can read: pg reports what is wrong with it.
    return { connectionString: url };
  }
  if (parsed.username !== '' || parsed.searchParams.get('user')) return { connectionString: url };
  // A `user` query parameter rather than a user name: it also works where the host is empty (a Unix socket
  // given as `?host=/run/postgresql`), and pg reads it exactly as libpq does.
  parsed.searchParams.set('user', defaultUser(env));
  return { connectionString: parsed.toString() };
}
