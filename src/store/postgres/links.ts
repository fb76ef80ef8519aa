/** Reference links on PostgreSQL (`/groups/{id}/members`): listed, counted, added and removed by pair. */
import type { LinkName } from '../../model/resources.js';
import type { ListQuery } from '../../odata/query.js';
import type { ApiError } from '../../util/errors.js';
import type { Page, Scope } from '../port.js';
import { linkExists, missingMember, missingOwner, notLinked } from '../sql/errors.js';
import { pageOf } from '../sql/results.js';
import { LINK_TABLES, type LinkTableDef } from '../sql/schema.js';
import { compileCount, compileList } from '../sql/select.js';
import { linkSqlOf } from '../sql/statements.js';
import { isForeignKeyViolation, isUniqueViolation } from './errors.js';
import type { Db, PgPool } from './pool.js';
import { named } from './prepared.js';
import { POSTGRES_QUERY } from './query.js';

export class PgLinks {
  constructor(private readonly db: PgPool) {}

  private async found(db: Db, sql: string, tenant: string, id: string): Promise<boolean> {
    return (await this.db.rows(db, sql, [tenant, id])).length > 0;
  }

  private async requireOwner(db: Db, l: LinkTableDef, scope: Scope, ownerId: string): Promise<void> {
    if (!(await this.found(db, linkSqlOf(l).ownerExists, scope.tenant, ownerId))) throw missingOwner(l, ownerId);
  }

  async list(link: LinkName, scope: Scope, ownerId: string, query: ListQuery): Promise<Page> {
    const l = LINK_TABLES[link];
    const run = async (db: Db): Promise<Page> => {
      const { sql, params } = compileList(l.member, scope, query, POSTGRES_QUERY, { link: l, ownerId });
      const rows = await this.db.rows(db, sql, params, false);
      const count = query.count ? await this.countLinkedRows(db, l, scope, ownerId, query) : undefined;
      if (rows.length === 0) await this.requireOwner(db, l, scope, ownerId);
      return pageOf(l.member, query, rows, count);
    };
    return this.db.op(() =>
      query.count ? this.db.tx(run, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY') : run(this.db.pool),
    );
  }

  private async countLinkedRows(
    db: Db,
    l: LinkTableDef,
    scope: Scope,
    ownerId: string,
    query: ListQuery,
  ): Promise<number> {
    const { sql, params } = compileCount(l.member, scope, query, POSTGRES_QUERY, { link: l, ownerId });
    return Number((await this.db.rows(db, sql, params, false))[0]?.n ?? 0);
  }

  async count(link: LinkName, scope: Scope, ownerId: string, query: ListQuery): Promise<number> {
    const l = LINK_TABLES[link];
    return this.db.op(async () => {
      const n = await this.countLinkedRows(this.db.pool, l, scope, ownerId, query);
      if (n === 0) await this.requireOwner(this.db.pool, l, scope, ownerId);
      return n;
    });
  }

  async insert(
    db: Db,
    l: LinkTableDef,
    scope: Scope,
    ownerId: string,
    memberId: string,
    label?: string,
  ): Promise<void> {
    try {
      await this.db.rows(db, linkSqlOf(l).insert, [scope.tenant, ownerId, memberId]);
    } catch (err) {
      const labelled = (e: ApiError): ApiError => (label ? Object.assign(e, { message: `${label}: ${e.message}` }) : e);
      if (isUniqueViolation(err)) throw labelled(linkExists(l));
      // Which end is missing: the constraint names the owner's or the member's foreign key.
      if (isForeignKeyViolation(err)) {
        const ownerGone = !(await this.found(this.db.pool, linkSqlOf(l).ownerExists, scope.tenant, ownerId));
        throw labelled(ownerGone ? missingOwner(l, ownerId) : missingMember(l, memberId));
      }
      throw err;
    }
  }

  async add(link: LinkName, scope: Scope, ownerId: string, memberId: string): Promise<void> {
    const l = LINK_TABLES[link];
    await this.db.op(() => this.insert(this.db.pool, l, scope, ownerId, memberId));
  }

  async remove(link: LinkName, scope: Scope, ownerId: string, memberId: string): Promise<void> {
    const l = LINK_TABLES[link];
    await this.db.op(async () => {
      const r = await this.db.pool.query(named(linkSqlOf(l).delete, [scope.tenant, ownerId, memberId]));
      if ((r.rowCount ?? 0) > 0) return;
      await this.requireOwner(this.db.pool, l, scope, ownerId);
      throw notLinked(l, ownerId, memberId);
    });
  }
}
