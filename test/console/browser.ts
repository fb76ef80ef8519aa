/**
 * Real Chromium for the console's tests: Debian's `/usr/bin/chromium` driven by playwright-core (never a
 * downloaded browser), axe-core run inside the page, screenshots under `test-artifacts/console/`, and every
 * console message the page logs kept so a test can prove no Content-Security-Policy violation happened.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

export const ARTIFACTS = new URL('../../test-artifacts/console/', import.meta.url).pathname;

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

export interface Logged {
  readonly type: string;
  readonly text: string;
  readonly url: string;
}

/** A page whose console messages and uncaught errors are collected. */
export async function openPage(browser: Browser): Promise<{ page: Page; logged: Logged[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const logged: Logged[] = [];
  page.on('console', (m) => logged.push({ type: m.type(), text: m.text(), url: m.location().url }));
  page.on('pageerror', (e) => logged.push({ type: 'pageerror', text: e.message, url: '' }));
  return { page, logged };
}

const axeSource = (createRequire(import.meta.url)('axe-core') as { source: string }).source;

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: string[];
}

/**
 * axe-core's WCAG 2.x A/AA rules and best practices over the whole page. Evaluated through DevTools, which the
 * page's CSP does not govern, so the console's policy stays as strict under test as in use.
 */
export async function axe(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is a global the evaluated source defined
    const r = await (window as any).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    // biome-ignore lint/suspicious/noExplicitAny: axe's result objects
    return r.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      // biome-ignore lint/suspicious/noExplicitAny: axe's node results
      nodes: v.nodes.map((n: any) => `${n.target.join(' ')}: ${n.failureSummary}`),
    }));
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Until no "Loading …" line is left on the page. */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('p.muted[role=status]') === null);
}

/** The numbers of a chart's table, by bar key. */
export async function chartNumbers(page: Page, chart: string, within = 'body'): Promise<Record<string, number>> {
  return page.$eval(`${within} [data-chart-table="${chart}"]`, (t) =>
    Object.fromEntries(
      [...t.querySelectorAll('tbody tr')].map((tr) => [
        (tr as HTMLElement).dataset.key!,
        Number((tr.querySelector('td[data-value]') as HTMLElement).dataset.value),
      ]),
    ),
  );
}
