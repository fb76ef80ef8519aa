/**
 * The PostgreSQL pool and how every statement runs on it: named prepared statements, deadlock retries, and
 * transactions that give back a broken connection.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Row } from '../sql/codec.js';
import { connectionConfig } from './connection.js';
import { isRetryable, translate } from './errors.js';
import { named, unnamed } from './prepared.js';
import { typeParser } from './query.js';

export interface PostgresOptions {
  /** `postgres://user@host:port/db?...`; libpq's `options=-c search_path=...` is honoured. */
  readonly url: string;
  /** Connections in the pool (default `DATABASE_POOL_SIZE` or 10). */
  readonly poolSize?: number;
  /** Schema for every table (search_path); created by `migrate()` when missing. */
  readonly schema?: string;
  /** How long to wait for a connection before answering 503 (default 5 s). */
  readonly connectTimeoutMs?: number;
}

/**
 * A transaction that lost a deadlock (two bulk upserts creating the same new names in opposite orders) is run
 * again, after a random pause that lets the winner commit first, this many times in all.
 */
const ATTEMPTS = 5;

export type Db = pg.Pool | pg.PoolClient;

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

export class PgPool {
  readonly pool: pg.Pool;
  readonly schema: string | undefined;

  constructor(opts: PostgresOptions) {
    if (opts.schema !== undefined && !IDENT.test(opts.schema))
      throw new Error(`not a plain schema name: ${opts.schema}`);
    this.schema = opts.schema;
    const size = opts.poolSize ?? (Number(process.env.DATABASE_POOL_SIZE) || 10);
    this.pool = new pg.Pool({
      ...connectionConfig(opts.url),
      max: size,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
      idleTimeoutMillis: 30_000,
      application_name: 'appconfig-graph',
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          typeParser(oid) ?? pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    });
    // A pooled connection that dies while idle is dropped by the pool; the next query gets a new one.
    this.pool.on('error', () => {});
  }

  /** A fixed statement is named (prepared once per connection); a compiled one (a list, a count) is not. */
  async rows(db: Db, sql: string, values: unknown[], fixed = true): Promise<Row[]> {
    return (await db.query(fixed ? named(sql, values) : unnamed(sql, values))).rows as Row[];
  }

  /** Runs one operation, again when it lost a deadlock, and turns database failures into API answers. */
  async op<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (isRetryable(e) && attempt < ATTEMPTS) {
          await sleep(Math.random() * 20 * 2 ** attempt);
          continue;
        }
        throw translate(e);
      }
    }
  }

  async tx<T>(fn: (c: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const c = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await c.query(begin);
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch((r: unknown) => {
        broken = r instanceof Error ? r : new Error(String(r));
      });
      throw e;
    } finally {
      c.release(broken);
    }
  }
}
