/**
 * The console end to end in real Chromium (docs/console.md), against the built server on a seeded data
 * directory: sign in through the banner's link, check every chart's numbers against the summary endpoints, filter,
 * search, sort and page a status table, run a query, watch requests arrive in the live journal with `$batch` items
 * under their batch and a faulted answer marked, see the clock say the simulation is off, and sign in with a
 * Graph token when the control plane is off. axe-core checks each view; each view is saved as a screenshot.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, type ServerProcess, spawnServer, stopped } from '../helpers/process.js';
import { axe, chartNumbers, hasChromium, type Logged, launch, openPage, screenshot, settled } from './browser.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers
type Json = any;

const TENANT = '00000000-0000-0000-0000-000000000001';
const CFGS = '/beta/deviceAppManagement/mobileAppConfigurations';
const USERS = 120;

/** Summary properties in the order the console's charts show them, by the key of each bar. */
const SUMMARY_KEYS = [
  'successCount',
  'errorCount',
  'failedCount',
  'conflictCount',
  'pendingCount',
  'notApplicableCount',
] as const;

describe.skipIf(!hasChromium)('the console in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'appconfig-graph-console-'));
  let server: ServerProcess;
  let key: string;
  let token: string;
  let browser: Browser;
  let page: Page;
  let logged: Logged[];
  let configs: Json[];
  let group: Json;

  const graph = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(`${server.http}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, body: r.status === 204 ? undefined : ((await r.json()) as Json) };
  };
  const admin = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${server.http}/_admin${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, body: r.status === 204 ? undefined : ((await r.json()) as Json) };
  };
  const go = async (hash: string) => {
    await page.evaluate((h) => {
      location.hash = h;
    }, hash);
    await settled(page);
  };
  const expectAccessible = async () => expect(await axe(page)).toEqual([]);

  beforeAll(async () => {
    await cli(['seed', '--configurations', '3', '--users', String(USERS), '--data-dir', dir]);
    server = await spawnServer(['--data-dir', dir]);
    key = readFileSync(join(dir, 'admin.key'), 'utf8').trim();
    token = await cli(['token', '--data-dir', dir]);
    configs = (await graph('GET', `${CFGS}?$orderby=displayName`)).body.value;
    group = (await graph('GET', '/v1.0/groups?$top=1')).body.value[0];
    // The first configuration is assigned to a group and to all licensed users, and has device statuses.
    const assign = await graph('POST', `${CFGS}/${configs[0].id}/assign`, {
      assignments: [
        { target: { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: group.id } },
        { target: { '@odata.type': '#microsoft.graph.allLicensedUsersAssignmentTarget' } },
      ],
    });
    expect(assign.status).toBe(204);
    // Newly targeted statuses are pending; some report errors (a client's write stands until a check-in).
    const reported = await graph('PATCH', `${CFGS}/${configs[0].id}/userStatuses`, {
      value: Array.from({ length: 12 }, (_, i) => ({
        userPrincipalName: `user${i * 7}@contoso.onmicrosoft.com`,
        status: i % 3 === 0 ? 'compliant' : 'error',
      })),
    });
    expect(reported.status, JSON.stringify(reported.body)).toBe(200);
    for (const [i, status] of ['compliant', 'error', 'unknown', 'compliant', 'conflict'].entries()) {
      const r = await graph('POST', `${CFGS}/${configs[0].id}/deviceStatuses`, {
        '@odata.type': '#microsoft.graph.managedDeviceMobileAppConfigurationDeviceStatus',
        deviceDisplayName: `Device ${i}`,
        userName: `User ${i}`,
        deviceModel: 'iPhone',
        platform: 1,
        complianceGracePeriodExpirationDateTime: '2026-01-01T00:00:00Z',
        status,
        lastReportedDateTime: `2026-11-0${i + 1}T10:00:00Z`,
        userPrincipalName: `user${i}@contoso.onmicrosoft.com`,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    browser = await launch();
    ({ page, logged } = await openPage(browser));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (server) {
      server.child.kill('SIGTERM');
      await stopped(server.child);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs in through the link the banner prints, and keeps the key out of the address bar', async () => {
    const link = /console: (\S+#key=\S+)/.exec(server.output())?.[1];
    expect(link).toBe(`${server.http}/console/#key=${key}`);
    await page.goto(link!);
    await page.waitForSelector('[data-table=tenants]');
    await settled(page);
    expect(await page.evaluate(() => location.hash)).toBe('#/');
    expect(await page.evaluate(() => sessionStorage.getItem('appconfig-graph.adminKey'))).toBe(key);
    // Replaced, not pushed: going back leaves the console rather than returning to the link with the key.
    expect(page.url()).toBe(`${server.http}/console/#/`);
    await page.goBack();
    expect(page.url()).not.toContain(key);
    await page.goForward();
    await page.waitForSelector('[data-table=tenants]');
    await settled(page);
  });

  it('lists the tenants with the counts of the control plane', async () => {
    const { value } = (await admin('GET', '/tenants')).body;
    const row = page.locator(`[data-table=tenants] tr[data-tenant="${TENANT}"]`);
    const cells = await row.locator('td').allTextContents();
    const t = value.find((x: Json) => x.tenant === TENANT);
    expect(cells.slice(0, 7)).toEqual(
      [
        t.counts.configurations,
        t.counts.user_statuses,
        t.counts.device_statuses,
        t.counts.users,
        t.counts.groups,
        t.counts.managed_devices,
        t.rows,
      ].map((n: number) => n.toLocaleString('en')),
    );
    await screenshot(page, 'tenants');
    await expectAccessible();
  });

  it("charts each configuration's user statuses with the summary endpoint's numbers", async () => {
    await page.click(`[data-table=tenants] a[href="#/tenants/${TENANT}"]`);
    await page.waitForSelector('[data-list=configurations]');
    await settled(page);
    expect(await page.locator('[data-list=configurations] > li').count()).toBe(configs.length);
    for (const c of configs) {
      const summary = (await graph('GET', `${CFGS}/${c.id}/userStatusSummary`)).body;
      const shown = await chartNumbers(page, 'config-user-statuses', `[data-config="${c.id}"]`);
      expect(shown).toEqual(Object.fromEntries(SUMMARY_KEYS.map((k) => [k, summary[k]])));
      expect(Object.values(shown).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      // The canvas's label reads the same numbers out.
      const label = await page.getAttribute(`[data-config="${c.id}"] canvas`, 'aria-label');
      expect(label).toContain(`Succeeded ${summary.successCount.toLocaleString('en')}`);
    }
    await screenshot(page, 'tenant');
    await expectAccessible();
  });

  it('shows a configuration: both summaries, assignments by group name, statuses over time', async () => {
    const c = configs[0];
    await page.click(`[data-config="${c.id}"] h2 a`);
    await page.waitForSelector('[data-chart=timeline]');
    await settled(page);
    for (const [chart, path] of [
      ['user-summary', 'userStatusSummary'],
      ['device-summary', 'deviceStatusSummary'],
    ] as const) {
      const summary = (await graph('GET', `${CFGS}/${c.id}/${path}`)).body;
      expect(await chartNumbers(page, chart)).toEqual(Object.fromEntries(SUMMARY_KEYS.map((k) => [k, summary[k]])));
    }
    expect(await chartNumbers(page, 'device-summary')).toMatchObject({ successCount: 2, errorCount: 1 });
    const assignments = await page.locator('[data-table=assignments] tbody tr').allInnerTexts();
    expect(assignments).toHaveLength(2);
    expect(assignments.join('\n')).toContain(group.displayName);
    expect(assignments.join('\n')).toContain('All licensed users');
    // Every user status reported at some time, so the periods add up to all of them.
    const perPeriod = await chartNumbers(page, 'timeline');
    expect(Object.keys(perPeriod).length).toBeGreaterThan(1);
    expect(Object.values(perPeriod).reduce((a, b) => a + b, 0)).toBe(USERS);
    await screenshot(page, 'configuration');
    await expectAccessible();
  });

  it('filters, searches, sorts and pages the user statuses on the server', async () => {
    const c = configs[0];
    const table = '[data-status-table=user]';
    const position = () => page.textContent(`${table} [data-pager-position]`);
    const column = (prop: string) => page.locator(`${table} td[data-prop="${prop}"]`).allInnerTexts();
    expect(await position()).toBe(`Page 1 · 1–25 of ${USERS}`);
    const firstPage = await column('userPrincipalName');

    await page.click(`${table} button:has-text("Next page")`);
    await settled(page);
    expect(await position()).toBe(`Page 2 · 26–50 of ${USERS}`);
    const secondPage = await column('userPrincipalName');
    expect(secondPage).toHaveLength(25);
    expect(secondPage.filter((u) => firstPage.includes(u))).toEqual([]);
    await page.click(`${table} button:has-text("Previous page")`);
    await settled(page);
    expect(await column('userPrincipalName')).toEqual(firstPage);

    await page.selectOption(`${table} select[name=status]`, 'error');
    await settled(page);
    const errors = (await graph('GET', `${CFGS}/${c.id}/userStatuses?$filter=status eq 'error'&$count=true&$top=1`))
      .body['@odata.count'];
    expect(errors).toBeGreaterThan(0);
    expect(await position()).toMatch(new RegExp(`of ${errors}$`));
    expect(new Set(await column('status'))).toEqual(new Set(['Error']));

    await page.selectOption(`${table} select[name=status]`, '');
    await page.click(`${table} th button[data-sort=userPrincipalName]`);
    await page.click(`${table} th button[data-sort=userPrincipalName]`);
    await settled(page);
    expect(await page.getAttribute(`${table} th[aria-sort]`, 'aria-sort')).toBe('descending');
    const sorted = (await graph('GET', `${CFGS}/${c.id}/userStatuses?$orderby=userPrincipalName desc&$top=25`)).body
      .value;
    expect(await column('userPrincipalName')).toEqual(sorted.map((s: Json) => s.userPrincipalName));

    await page.fill(`${table} input[name=search]`, 'user11');
    await page.press(`${table} input[name=search]`, 'Enter');
    await settled(page);
    const found = (await graph('GET', `${CFGS}/${c.id}/userStatuses?$search="user11"&$count=true&$top=1`)).body[
      '@odata.count'
    ];
    expect(found).toBeGreaterThan(1);
    expect(await position()).toMatch(new RegExp(`of ${found}$`));
    for (const upn of await column('userPrincipalName')) expect(upn).toContain('user11');
    await expectAccessible();
  });

  it('runs a query from the query box and shows the answer with its status and headers', async () => {
    await page.click('nav a:has-text("Query")');
    await page.waitForSelector('form.query');
    await page.fill('input[name=url]', 'https://graph.microsoft.com/v1.0/groups?$top=2&$select=id,displayName');
    await page.click('button:has-text("Run query")');
    await page.waitForSelector('[data-answer]');
    expect(await page.getAttribute('[data-answer-status]', 'data-answer-status')).toBe('200');
    const headers = await page.locator('[data-table=answer-headers] tbody th').allInnerTexts();
    expect(headers).toEqual(expect.arrayContaining(['request-id', 'odata-version', 'content-type']));
    const body = JSON.parse((await page.textContent('[data-answer-body]'))!);
    expect(body.value).toHaveLength(2);
    expect(body['@odata.nextLink']).toBeDefined();

    await page.selectOption('select[name=method]', 'PATCH');
    await page.fill('input[name=url]', `/v1.0/deviceAppManagement/mobileAppConfigurations/${configs[1].id}`);
    await page.fill('textarea[name=body]', '{"description": "Set from the query box"}');
    await page.click('button:has-text("Run query")');
    await page.waitForSelector('[data-answer-status="200"]');
    expect((await graph('GET', `${CFGS}/${configs[1].id}`)).body.description).toBe('Set from the query box');
    await screenshot(page, 'query');
    await expectAccessible();
  });

  it('follows the journal live: a $batch with its items under it, and a faulted answer marked', async () => {
    await page.click('nav a:has-text("Journal")');
    await page.waitForSelector('[data-live=live]');
    const rule = await admin('POST', '/faults', { method: 'GET', path: '/groups', status: 503, times: 1 });
    expect(rule.status).toBe(201);
    const faulted = await graph('GET', '/v1.0/groups');
    expect(faulted.status).toBe(503);
    const batch = await fetch(`${server.http}/v1.0/$batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'client-request-id': 'b' },
      body: JSON.stringify({
        requests: [
          { id: '1', method: 'GET', url: '/users?$top=1' },
          { id: '2', method: 'GET', url: `/deviceAppManagement/mobileAppConfigurations/${configs[2].id}` },
        ],
      }),
    });
    expect(batch.status).toBe(200);
    const batchId = batch.headers.get('request-id')!;

    const parent = page.locator(`tr[data-request="${batchId}"]`);
    await parent.waitFor();
    await page.waitForSelector(`tr[data-parent="${batchId}"] >> nth=1`);
    // The items are the rows right after their batch.
    const order = await page.$$eval('[data-table=journal] tbody tr', (rows) =>
      rows.map((r) => (r as HTMLElement).dataset.request ?? ''),
    );
    const at = order.indexOf(batchId);
    const items = await page.$$eval(`tr[data-parent="${batchId}"]`, (rows) =>
      rows.map((r) => (r as HTMLElement).dataset.request ?? ''),
    );
    expect(order.slice(at + 1, at + 3).sort()).toEqual(items.sort());
    expect(await parent.textContent()).toContain('(2 items)');

    const marked = page.locator('[data-table=journal] tr.marked').filter({ hasText: '/v1.0/groups' });
    await marked.waitFor();
    expect(await marked.locator('.tag-faulted').textContent()).toBe('faulted');
    expect(await marked.textContent()).toContain('503');
    await screenshot(page, 'journal');
    await expectAccessible();
  });

  it('says the simulation is off when the server runs without it', async () => {
    await page.click('nav a:has-text("Clock")');
    await page.waitForSelector('[data-simulation=off]');
    await settled(page);
    expect(await page.textContent('[data-simulation=off] h2')).toBe('Simulation off');
    await screenshot(page, 'clock');
    await expectAccessible();
  });

  it('fits a narrow screen: no view scrolls sideways, and each passes axe there too', async () => {
    await page.setViewportSize({ width: 600, height: 900 });
    try {
      const views: [string, string, string][] = [
        ['#/', '[data-table=tenants]', 'tenants'],
        [`#/tenants/${TENANT}`, '[data-list=configurations]', 'tenant'],
        [`#/tenants/${TENANT}/configurations/${configs[0].id}`, '[data-chart=timeline]', 'configuration'],
        ['#/journal', '[data-live=live]', 'journal'],
        [`#/tenants/${TENANT}/query`, 'form.query', 'query'],
      ];
      for (const [hash, ready, name] of views) {
        await go(hash);
        await page.waitForSelector(ready);
        await settled(page);
        if (hash.endsWith('/query')) {
          await page.click('button:has-text("Run query")');
          await page.waitForSelector('[data-answer]');
        }
        await screenshot(page, `narrow-${name}`);
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow, hash).toBeLessThanOrEqual(0);
        expect(await axe(page), hash).toEqual([]);
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('broke no rule of its Content-Security-Policy and threw nothing', () => {
    const problems = logged.filter(
      (m) =>
        m.type === 'pageerror' ||
        /Content Security Policy|Refused to/i.test(m.text) ||
        // The clock's 404 (no simulation) and the faulted 503 are answers the test asked for.
        (m.type === 'error' && !/\/_admin\/clock$/.test(m.url)),
    );
    expect(problems).toEqual([]);
  });
});

describe.skipIf(!hasChromium)('the console with the control plane off', () => {
  const dir = mkdtempSync(join(tmpdir(), 'appconfig-graph-console-off-'));
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    await cli(['seed', '--configurations', '2', '--users', '20', '--data-dir', dir]);
    server = await spawnServer(['--data-dir', dir, '--admin', 'off']);
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (server) {
      server.child.kill('SIGTERM');
      await stopped(server.child);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('says so, and signs in with a token from the local issuer to browse that tenant', async () => {
    const { page, logged } = await openPage(browser);
    await page.goto(`${server.http}/`);
    await page.waitForSelector('[data-admin=off]');
    expect(page.url()).toBe(`${server.http}/console/`);
    expect(await page.textContent('[data-admin=off] h2')).toBe('The control plane is off');
    await screenshot(page, 'signin-admin-off');
    expect(await axe(page)).toEqual([]);

    await page.fill('input[name=tenant]', TENANT);
    await page.fill('input[name=client_id]', 'console-test');
    await page.fill('input[name=client_secret]', 'anything');
    await page.click('button:has-text("Get a token")');
    await page.waitForSelector('[data-list=configurations]');
    await settled(page);
    expect(await page.locator('[data-list=configurations] > li').count()).toBe(2);
    expect(await page.textContent('p.banner[data-admin=off]')).toContain(TENANT);
    expect(await page.locator('nav a').allInnerTexts()).toEqual(['Configurations', 'Query']);
    expect(await axe(page)).toEqual([]);
    expect(logged.filter((m) => m.type === 'error' && !/\/_admin\/openapi\.json$/.test(m.url))).toEqual([]);
  });
});

describe.skipIf(!hasChromium)('the console with the simulation on a manual clock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'appconfig-graph-console-sim-'));
  let server: ServerProcess;
  let browser: Browser;
  let token: string;

  const graph = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${server.http}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, body: r.status === 204 ? undefined : ((await r.json()) as Json) };
  };

  beforeAll(async () => {
    await cli(['seed', '--configurations', '1', '--users', '10', '--data-dir', dir]);
    server = await spawnServer(['--data-dir', dir, '--simulate', '--clock', 'manual', '--error-rate', '0']);
    token = await cli(['token', '--data-dir', dir]);
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (server) {
      server.child.kill('SIGTERM');
      await stopped(server.child);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("resolves pending statuses when the clock page's button advances the clock", async () => {
    expect(server.output()).toContain('simulation: on, manual clock');
    const [config] = (await graph('GET', CFGS)).body.value;
    const assign = await graph('POST', `${CFGS}/${config.id}/assign`, {
      assignments: [{ target: { '@odata.type': '#microsoft.graph.allLicensedUsersAssignmentTarget' } }],
    });
    expect(assign.status).toBe(204);
    const pending = async () => (await graph('GET', `${CFGS}/${config.id}/deviceStatusSummary`)).body.pendingCount;
    expect(await pending()).toBeGreaterThan(0);

    const { page, logged } = await openPage(browser);
    const link = /console: (\S+#key=\S+)/.exec(server.output())![1]!;
    await page.goto(link);
    await page.waitForSelector('[data-table=tenants]');
    await page.click('nav a:has-text("Clock")');
    await page.waitForSelector('[data-clock]');
    await settled(page);
    const before = await page.getAttribute('[data-clock] time', 'datetime');
    await page.click('button:has-text("Advance the clock")');
    await page.waitForFunction(() => document.querySelector('[data-clock-outcome]')?.textContent?.startsWith('Moved'));
    const outcome = await page.textContent('[data-clock-outcome]');
    expect(outcome).toMatch(/^Moved PT8H: checkins \d+, resolved [1-9]\d*$/);
    await page.waitForFunction(
      (b) => document.querySelector('[data-clock] time')?.getAttribute('datetime') !== b,
      before,
    );
    expect(await pending()).toBe(0);
    const statuses = (
      await graph('GET', `${CFGS}/${config.id}/deviceStatuses?$filter=status eq 'compliant'&$count=true`, undefined)
    ).body;
    expect(statuses['@odata.count']).toBeGreaterThan(0);
    await screenshot(page, 'clock-simulated');
    expect(await axe(page)).toEqual([]);
    expect(logged.filter((m) => m.type === 'pageerror' || m.type === 'error')).toEqual([]);
  });
});
