/**
 * The check-in simulation through the real server on a manual clock, on SQLite and PostgreSQL: pending statuses
 * resolve at their devices' check-ins, user statuses and summaries follow, exclusions, platforms, membership
 * changes, new versions, conflicts, offline devices and client writes behave as docs/simulation.md says, and the
 * clock survives a restart. Writes by fetch, reads also through the Graph SDK over HTTPS, the clock through
 * /_admin.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuthenticationProvider, Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FULL_ACCESS } from '../../src/auth/permissions.js';
import type { SimulationConfig } from '../../src/cli/config.js';
import { simSettings } from '../../src/sim/settings.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { freshSchema, postgresAvailable, requirePostgresOrSkip, type TestSchema } from '../store/stores.js';

requirePostgresOrSkip();

type Body = Record<string, unknown>;
const CONFIGS = '/beta/deviceAppManagement/mobileAppConfigurations';
const T0 = '2026-03-01T00:00:00.0000000Z';

const group = (groupId: string) => ({ target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId } });
const exclusion = (groupId: string) => ({
  target: { '@odata.type': '#microsoft.graph.exclusionGroupAssignmentTarget', groupId },
});

const simulation = (seed: string, errorRate: number): SimulationConfig => ({
  settings: simSettings({ seed, errorRate }),
  clock: 'manual',
  speed: 1,
  start: Date.parse(T0),
});

const STORES = [
  { name: 'sqlite', available: true },
  { name: 'postgres', available: postgresAvailable },
] as const;

/** A server and the calls the scenarios make. */
async function harness(t: TestServer) {
  const auth = `Bearer ${await t.token({ roles: [...FULL_ACCESS] })}`;
  const authProvider: AuthenticationProvider = { getAccessToken: () => t.token({ roles: [...FULL_ACCESS] }) };
  const sdk = Client.initWithMiddleware({
    authProvider,
    baseUrl: t.https,
    defaultVersion: 'beta',
    customHosts: new Set([new URL(t.https).hostname]),
    fetchOptions: { dispatcher: t.dispatcher } as RequestInit,
  });
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Body }> => {
    const r = await t.call(method, path, { ...(body !== undefined ? { body } : {}), auth });
    const text = await r.text();
    return { status: r.status, body: text ? (JSON.parse(text) as Body) : {} };
  };
  const ok = async (method: string, path: string, body?: unknown): Promise<Body> => {
    const r = await call(method, path, body);
    expect([200, 201, 204], `${method} ${path}: ${JSON.stringify(r.body)}`).toContain(r.status);
    return r.body;
  };
  const admin = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Body }> => {
    const r = await fetch(`${t.http}/_admin${path}`, {
      method,
      headers: {
        authorization: `Bearer ${t.server.admin!.key}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, body: (await r.json()) as Body };
  };
  const advance = async (advance = 'PT8H'): Promise<Body> => {
    const r = await admin('POST', '/clock', { advance });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };
  let serial = 0;
  const user = async (name: string, id?: string): Promise<string> => {
    serial++;
    const b = await ok('POST', '/v1.0/users', {
      ...(id ? { id } : {}),
      accountEnabled: true,
      displayName: name,
      mailNickname: `${name.toLowerCase()}${serial}`,
      userPrincipalName: `${name.toLowerCase()}${serial}@contoso.com`,
      passwordProfile: { password: 'xWwvJ]6NMw+bWH-d' },
    });
    return b.id as string;
  };
  const newGroup = async (): Promise<string> =>
    (
      await ok('POST', '/v1.0/groups', {
        displayName: `g${++serial}`,
        mailEnabled: false,
        mailNickname: `g${serial}`,
        securityEnabled: true,
      })
    ).id as string;
  const device = async (userId: string | null, operatingSystem: string, deviceName: string, id?: string) =>
    (
      await ok('POST', '/beta/deviceManagement/managedDevices', {
        ...(id ? { id } : {}),
        userId,
        operatingSystem,
        deviceName,
        model: `${operatingSystem} model`,
      })
    ).id as string;
  const member = (g: string, u: string) =>
    ok('POST', `/v1.0/groups/${g}/members/$ref`, {
      '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${u}`,
    });
  const configuration = async (apps: string[], type = 'iosMobileAppConfiguration', id?: string): Promise<string> =>
    (
      await ok('POST', CONFIGS, {
        ...(id ? { id } : {}),
        '@odata.type': `#microsoft.graph.${type}`,
        displayName: `c${++serial}`,
        targetedMobileApps: apps,
      })
    ).id as string;
  const assign = (c: string, assignments: unknown[]) => ok('POST', `${CONFIGS}/${c}/assign`, { assignments });
  /** Statuses read through the SDK over HTTPS. */
  const list = async (c: string, set: 'userStatuses' | 'deviceStatuses'): Promise<Body[]> =>
    (await sdk.api(`/deviceAppManagement/mobileAppConfigurations/${c}/${set}`).top(999).get()).value as Body[];
  const users = async (c: string) =>
    Object.fromEntries((await list(c, 'userStatuses')).map((s) => [s.userDisplayName, [s.status, s.devicesCount]]));
  const devices = async (c: string) =>
    Object.fromEntries((await list(c, 'deviceStatuses')).map((s) => [s.deviceDisplayName, s.status]));
  const summary = async (c: string, which: 'userStatusSummary' | 'deviceStatusSummary') => {
    const s = await ok('GET', `${CONFIGS}/${c}/${which}`);
    return {
      pending: s.pendingCount,
      notApplicable: s.notApplicableCount,
      success: s.successCount,
      error: s.errorCount,
      conflict: s.conflictCount,
    };
  };
  return {
    call,
    ok,
    admin,
    advance,
    user,
    newGroup,
    device,
    member,
    configuration,
    assign,
    list,
    users,
    devices,
    summary,
    sdk,
  };
}

for (const kind of STORES) {
  describe.skipIf(!kind.available)(`the simulation on ${kind.name}`, () => {
    let t: TestServer;
    let schema: TestSchema | undefined;
    let h: Awaited<ReturnType<typeof harness>>;

    beforeAll(async () => {
      schema = kind.name === 'postgres' ? await freshSchema() : undefined;
      t = await startTestServer({ ...(schema ? { db: schema.url } : {}), simulation: simulation('e2e', 0) });
      h = await harness(t);
    });
    afterAll(async () => {
      await t?.close();
      await schema?.drop();
    });

    it('shows the clock and its settings', async () => {
      const r = await h.admin('GET', '/clock');
      expect(r).toEqual({
        status: 200,
        body: {
          mode: 'manual',
          now: T0,
          speed: 0,
          ranThrough: T0,
          intervalMs: 28_800_000,
          interval: 'PT8H',
          errorRate: 0,
          offlineRate: 0,
          seed: 'e2e',
        },
      });
    });

    it('resolves a group assignment at the check-ins, with exclusion, platforms and summaries following', async () => {
      const [ada, bo, cy] = [await h.user('Ada'), await h.user('Bo'), await h.user('Cy')];
      const adaPhone = await h.device(ada, 'iOS', 'ada-iphone');
      await h.device(ada, 'Android', 'ada-pixel');
      await h.device(bo, 'iPadOS', 'bo-ipad');
      await h.device(cy, 'iOS', 'cy-iphone');
      const g = await h.newGroup();
      const x = await h.newGroup();
      for (const u of [ada, bo, cy]) await h.member(g, u);
      await h.member(x, cy);
      const c = await h.configuration(['com.contoso.mail']);
      await h.assign(c, [group(g), exclusion(x)]);

      expect(await h.devices(c)).toEqual({
        'ada-iphone': 'unknown',
        'ada-pixel': 'notApplicable',
        'bo-ipad': 'unknown',
      });
      expect(await h.summary(c, 'deviceStatusSummary')).toMatchObject({ pending: 2, notApplicable: 1, success: 0 });
      expect(await h.summary(c, 'userStatusSummary')).toMatchObject({ pending: 2, success: 0 });

      const before = (await h.admin('GET', '/clock')).body.now as string;
      const moved = await h.advance('PT8H');
      expect(moved).toMatchObject({ now: '2026-03-01T08:00:00.0000000Z', resolved: 2 });
      expect(moved.checkins).toBeGreaterThanOrEqual(4);

      // Exclusion wins: Cy has no status; another platform stays notApplicable; the rest resolve.
      expect(await h.devices(c)).toEqual({
        'ada-iphone': 'compliant',
        'ada-pixel': 'notApplicable',
        'bo-ipad': 'compliant',
      });
      expect(await h.users(c)).toEqual({ Ada: ['compliant', 1], Bo: ['compliant', 1] });
      expect(await h.summary(c, 'deviceStatusSummary')).toMatchObject({ pending: 0, notApplicable: 1, success: 2 });
      expect(await h.summary(c, 'userStatusSummary')).toMatchObject({ pending: 0, success: 2 });

      // The status, its user's and the device's last sync take the check-in time, inside the move.
      const status = (await h.list(c, 'deviceStatuses')).find((s) => s.deviceDisplayName === 'ada-iphone')!;
      const at = status.lastReportedDateTime as string;
      expect(at > before && at <= (moved.now as string)).toBe(true);
      const phone = await h.sdk.api(`/deviceManagement/managedDevices/${adaPhone}`).get();
      expect(phone.lastSyncDateTime).toBe(at);
      const adaStatus = (await h.list(c, 'userStatuses')).find((s) => s.userDisplayName === 'Ada')!;
      expect(adaStatus.lastReportedDateTime).toBe(at);
    });

    it('resolves a member added at the next check-in; a member removed is notAssigned', async () => {
      const dee = await h.user('Dee');
      await h.device(dee, 'iOS', 'dee-iphone');
      const g = await h.newGroup();
      const c = await h.configuration(['com.contoso.notes']);
      await h.assign(c, [group(g)]);
      expect(await h.devices(c)).toEqual({});
      await h.member(g, dee);
      expect(await h.devices(c)).toEqual({ 'dee-iphone': 'unknown' });
      await h.advance();
      expect(await h.devices(c)).toEqual({ 'dee-iphone': 'compliant' });
      expect(await h.users(c)).toEqual({ Dee: ['compliant', 1] });
      await h.ok('DELETE', `/v1.0/groups/${g}/members/${dee}/$ref`);
      expect(await h.devices(c)).toEqual({ 'dee-iphone': 'notAssigned' });
      await h.advance();
      expect(await h.devices(c)).toEqual({ 'dee-iphone': 'notAssigned' });
      expect(await h.summary(c, 'deviceStatusSummary')).toMatchObject({ pending: 0, success: 0 });
    });

    it('puts statuses back to pending on a configuration update, and resolves them again', async () => {
      const eve = await h.user('Eve');
      await h.device(eve, 'iOS', 'eve-iphone');
      await h.device(eve, 'Android', 'eve-pixel');
      const g = await h.newGroup();
      await h.member(g, eve);
      const c = await h.configuration(['com.contoso.calendar']);
      await h.assign(c, [group(g)]);
      await h.advance();
      expect(await h.users(c)).toEqual({ Eve: ['compliant', 1] });
      const version = (await h.ok('GET', `${CONFIGS}/${c}`)).version as number;

      await h.ok('PATCH', `${CONFIGS}/${c}`, {
        '@odata.type': '#microsoft.graph.iosMobileAppConfiguration',
        description: 'v2',
      });
      expect((await h.ok('GET', `${CONFIGS}/${c}`)).version).toBe(version + 1);
      expect(await h.devices(c)).toEqual({ 'eve-iphone': 'unknown', 'eve-pixel': 'notApplicable' });
      expect(await h.users(c)).toEqual({ Eve: ['unknown', 1] });
      expect(await h.summary(c, 'userStatusSummary')).toMatchObject({ pending: 1 });
      await h.advance();
      expect(await h.devices(c)).toEqual({ 'eve-iphone': 'compliant', 'eve-pixel': 'notApplicable' });
      expect(await h.users(c)).toEqual({ Eve: ['compliant', 1] });
    });

    it('reports a conflict on both configurations naming an app in common', async () => {
      const fay = await h.user('Fay');
      await h.device(fay, 'iOS', 'fay-iphone');
      const g = await h.newGroup();
      await h.member(g, fay);
      const a = await h.configuration(['com.contoso.chat', 'com.contoso.x']);
      const b = await h.configuration(['COM.CONTOSO.CHAT']);
      const other = await h.configuration(['com.contoso.y']);
      for (const c of [a, b, other]) await h.assign(c, [group(g)]);
      await h.advance();
      expect(await h.devices(a)).toEqual({ 'fay-iphone': 'conflict' });
      expect(await h.devices(b)).toEqual({ 'fay-iphone': 'conflict' });
      expect(await h.devices(other)).toEqual({ 'fay-iphone': 'compliant' });
      expect(await h.users(a)).toEqual({ Fay: ['conflict', 1] });
      expect(await h.summary(a, 'deviceStatusSummary')).toMatchObject({ conflict: 1 });
    });

    it('leaves an offline device pending until it is online again; a check-in by id runs anyway', async () => {
      const gus = await h.user('Gus');
      const phone = await h.device(gus, 'iOS', 'gus-iphone');
      const g = await h.newGroup();
      await h.member(g, gus);
      expect(await h.admin('PATCH', `/devices/${phone}`, { online: false })).toMatchObject({
        status: 200,
        body: { id: phone, online: false },
      });
      const c = await h.configuration(['com.contoso.maps']);
      await h.assign(c, [group(g)]);
      const synced = async () => (await h.sdk.api(`/deviceManagement/managedDevices/${phone}`).get()).lastSyncDateTime;
      const enrolled = await synced();
      await h.advance('P1D');
      expect(await h.devices(c)).toEqual({ 'gus-iphone': 'unknown' });
      expect(await synced()).toBe(enrolled);

      expect((await h.admin('PATCH', `/devices/${phone}`, { online: true })).status).toBe(200);
      await h.advance();
      expect(await h.devices(c)).toEqual({ 'gus-iphone': 'compliant' });

      // Back offline, a new version is pending until a check-in asked for by id.
      await h.admin('PATCH', `/devices/${phone}`, { online: false });
      await h.ok('PATCH', `${CONFIGS}/${c}`, {
        '@odata.type': '#microsoft.graph.iosMobileAppConfiguration',
        description: 'v2',
      });
      await h.advance();
      expect(await h.devices(c)).toEqual({ 'gus-iphone': 'unknown' });
      expect(await h.admin('POST', `/devices/${phone}/checkin`)).toEqual({
        status: 200,
        body: { checkins: 1, resolved: 1 },
      });
      expect(await h.devices(c)).toEqual({ 'gus-iphone': 'compliant' });
      expect(await synced()).toBe((await h.admin('GET', '/clock')).body.now);
      await h.admin('PATCH', `/devices/${phone}`, { online: null });
    });

    it("keeps a client's write to a status until a check-in finds it pending", async () => {
      const hal = await h.user('Hal');
      await h.device(hal, 'iOS', 'hal-iphone');
      const g = await h.newGroup();
      await h.member(g, hal);
      const c = await h.configuration(['com.contoso.wiki']);
      await h.assign(c, [group(g)]);
      await h.advance();
      const [row] = await h.list(c, 'deviceStatuses');
      await h.ok('PATCH', `${CONFIGS}/${c}/deviceStatuses/${row!.id}`, { status: 'nonCompliant' });
      const upn = (await h.list(c, 'userStatuses'))[0]!.userPrincipalName as string;
      await h.ok('PATCH', `${CONFIGS}/${c}/userStatuses`, { userPrincipalName: upn, status: 'remediated' });
      await h.advance();
      expect(await h.devices(c)).toEqual({ 'hal-iphone': 'nonCompliant' });
      expect(await h.users(c)).toEqual({ Hal: ['remediated', 1] });
      // A new version makes it pending; the next check-in resolves it and aggregates the user again.
      await h.ok('PATCH', `${CONFIGS}/${c}`, {
        '@odata.type': '#microsoft.graph.iosMobileAppConfiguration',
        description: 'v2',
      });
      await h.advance();
      expect(await h.devices(c)).toEqual({ 'hal-iphone': 'compliant' });
      expect(await h.users(c)).toEqual({ Hal: ['compliant', 1] });
    });

    it('answers bad clock moves and unknown devices with Graph errors', async () => {
      const now = (await h.admin('GET', '/clock')).body.now as string;
      const back = await h.admin('POST', '/clock', { to: '2026-01-01T00:00:00Z' });
      expect(back.status).toBe(400);
      expect((back.body.error as Body).message).toBe(
        `The clock never runs backward: 2026-01-01T00:00:00.0000000Z is before its time ${now}.`,
      );
      expect((await h.admin('POST', '/clock', { advance: 'PT1H', to: now })).status).toBe(400);
      expect((await h.admin('POST', '/clock', {})).status).toBe(400);
      const bad = await h.admin('POST', '/clock', { advance: '8 hours' });
      expect(bad.status).toBe(400);
      expect((bad.body.error as Body).target).toBe('advance');
      const missing = await h.admin('POST', '/devices/nope/checkin');
      expect(missing.status).toBe(404);
      expect((missing.body.error as Body).code).toBe('ResourceNotFound');
      expect((await h.admin('PATCH', '/devices/nope', { online: true })).status).toBe(404);
      expect((await h.admin('PATCH', '/devices/nope', { online: 'yes' })).status).toBe(400);
      const later = '2027-01-01T00:00:00.0000000Z';
      expect((await h.admin('POST', '/clock', { to: later })).body.now).toBe(later);
    });
  });
}

describe('the simulation: outcomes by seed, the clock across a restart, and switched off', () => {
  it('pins the mixed outcome of one seed, and error rate 1 makes every status error', async () => {
    const outcomes = async (errorRate: number) => {
      const t = await startTestServer({ simulation: simulation('pinned', errorRate) });
      try {
        const h = await harness(t);
        const ids: string[] = [];
        for (let i = 0; i < 6; i++) {
          const u = await h.user(`User${i}`, `00000000-0000-0000-0000-00000000000${i}`);
          ids.push(await h.device(u, 'iOS', `phone${i}`, `10000000-0000-0000-0000-00000000000${i}`));
        }
        const everyone = { target: { '@odata.type': '#microsoft.graph.allLicensedUsersAssignmentTarget' } };
        const c = await h.configuration(
          ['com.contoso.pinned'],
          'iosMobileAppConfiguration',
          '20000000-0000-0000-0000-000000000000',
        );
        await h.assign(c, [everyone]);
        await h.advance();
        const rows = await h.list(c, 'deviceStatuses');
        return Object.fromEntries(
          rows.map((r) => [r.deviceDisplayName, `${r.status} ${(r.lastReportedDateTime as string).slice(11, 19)}`]),
        );
      } finally {
        await t.close();
      }
    };
    // Ids, data, seed and moves fixed: the same statuses and check-in times in every run, on a new server each time.
    const pinned = {
      phone0: 'compliant 07:00:59',
      phone1: 'compliant 00:14:25',
      phone2: 'compliant 02:39:58',
      phone3: 'compliant 00:42:11',
      phone4: 'compliant 07:48:24',
      phone5: 'error 04:30:00',
    };
    expect(await outcomes(0.5)).toEqual(pinned);
    expect(await outcomes(0.5)).toEqual(pinned);
    const all = Object.values(await outcomes(1)).map((s) => String(s).split(' ')[0]);
    expect(all).toEqual(Array(6).fill('error'));
  });

  it('keeps the clock across a restart of the server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'appconfig-graph-sim-'));
    const db = join(dir, 'sim.db');
    try {
      const first = await startTestServer({ db, simulation: simulation('restart', 0) });
      const h1 = await harness(first);
      await h1.advance('P2DT3H');
      await first.close();
      const second = await startTestServer({ db, simulation: simulation('restart', 0) });
      const h2 = await harness(second);
      const clock = (await h2.admin('GET', '/clock')).body;
      expect([clock.now, clock.ranThrough]).toEqual(['2026-03-03T03:00:00.0000000Z', '2026-03-03T03:00:00.0000000Z']);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers 409 on every simulation route when it is off, and describes them in the OpenAPI document', async () => {
    const t = await startTestServer();
    try {
      const h = await harness(t);
      for (const [method, path, body] of [
        ['GET', '/clock', undefined],
        ['POST', '/clock', { advance: 'PT8H' }],
        ['POST', '/devices/d/checkin', undefined],
        ['PATCH', '/devices/d', { online: false }],
      ] as const) {
        const r = await h.admin(method, path, body);
        expect([method, path, r.status, r.body.error]).toEqual([
          method,
          path,
          409,
          expect.objectContaining({
            code: 'Conflict',
            message: 'The simulation is off; start the server with --simulate.',
          }),
        ]);
      }
      const doc = (await (await fetch(`${t.http}/_admin/openapi.json`)).json()) as { paths: Record<string, Body> };
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/clock', '/devices/{id}/checkin', '/devices/{id}']),
      );
      // A configuration update without simulation leaves statuses as they are.
      const u = await h.user('Ivy');
      await h.device(u, 'iOS', 'ivy-iphone');
      const c = await h.configuration([]);
      await h.assign(c, [{ target: { '@odata.type': '#microsoft.graph.allLicensedUsersAssignmentTarget' } }]);
      const [row] = await h.list(c, 'deviceStatuses');
      await h.ok('PATCH', `${CONFIGS}/${c}/deviceStatuses/${row!.id}`, { status: 'compliant' });
      await h.ok('PATCH', `${CONFIGS}/${c}`, {
        '@odata.type': '#microsoft.graph.iosMobileAppConfiguration',
        description: 'v2',
      });
      expect(await h.devices(c)).toEqual({ 'ivy-iphone': 'compliant' });
    } finally {
      await t.close();
    }
  });
});
