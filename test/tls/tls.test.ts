import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, unlink } from 'node:fs/promises';
import { createServer, get, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureLocalTls } from '../../src/http/tls.js';

const dirs: string[] = [];
const servers: Server[] = [];
const newDir = async () => {
  const d = await mkdtemp(join(tmpdir(), 'appconfig-graph-tls-'));
  dirs.push(d);
  return d;
};

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function serve(tls: { key: string; cert: string }): Promise<number> {
  const server = createServer({ key: tls.key, cert: tls.cert }, (_req, res) => res.end('hello over tls'));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

function fetchText(port: number, opts: { ca?: string; servername?: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path: '/', agent: false, ...opts, rejectUnauthorized: true }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
  });
}

describe('ensureLocalTls', () => {
  it('creates a CA and a server certificate that a client trusting only the CA accepts', async () => {
    const dir = await newDir();
    const tls = await ensureLocalTls(dir);
    expect(tls.caPath).toBe(join(dir, 'ca.pem'));
    expect(await readFile(tls.caPath, 'utf8')).toBe(tls.ca);
    expect(await readFile(join(dir, 'server.pem'), 'utf8')).toBe(tls.cert);
    expect(await readFile(join(dir, 'server-key.pem'), 'utf8')).toBe(tls.key);
    for (const f of ['ca-key.pem', 'server-key.pem']) expect((await stat(join(dir, f))).mode & 0o777).toBe(0o600);

    const ca = new X509Certificate(tls.ca);
    const leaf = new X509Certificate(tls.cert);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.keyUsage).toContain('1.3.6.1.5.5.7.3.1');
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkIP('::1')).toBe('::1');
    expect(Date.parse(leaf.validTo) - Date.now()).toBeGreaterThan(365 * 24 * 3600 * 1000);
    expect(Date.parse(ca.validTo)).toBeGreaterThanOrEqual(Date.parse(leaf.validTo));

    const port = await serve(tls);
    expect(await fetchText(port, { ca: tls.ca })).toBe('hello over tls');
    expect(await fetchText(port, { ca: tls.ca, servername: 'localhost' })).toBe('hello over tls');
    // Without the CA the same certificate is refused: trust comes from ca.pem alone.
    await expect(fetchText(port, {})).rejects.toThrow(/certificate/i);
  });

  it('reuses the CA and certificate, and re-issues under the same CA for a new host', async () => {
    const dir = await newDir();
    const first = await ensureLocalTls(dir);
    const second = await ensureLocalTls(dir);
    expect(second).toEqual(first);

    const third = await ensureLocalTls(dir, ['api.example.test', '10.1.2.3', '[::2]']);
    expect(third.ca).toBe(first.ca);
    expect(third.cert).not.toBe(first.cert);
    expect(third.key).not.toBe(first.key);
    const leaf = new X509Certificate(third.cert);
    expect(leaf.checkIssued(new X509Certificate(first.ca))).toBe(true);
    expect(leaf.checkHost('api.example.test')).toBe('api.example.test');
    expect(leaf.checkIP('10.1.2.3')).toBe('10.1.2.3');
    expect(leaf.checkHost('localhost')).toBe('localhost');

    const port = await serve(third);
    expect(await fetchText(port, { ca: third.ca, servername: 'api.example.test' })).toBe('hello over tls');

    // Hosts already covered (in any spelling, or fewer of them) need no new certificate.
    expect((await ensureLocalTls(dir, ['API.example.test', '::2'])).cert).toBe(third.cert);
    expect((await ensureLocalTls(dir)).cert).toBe(third.cert);
  });

  it('re-issues a missing server certificate and replaces an unreadable CA', async () => {
    const dir = await newDir();
    const first = await ensureLocalTls(dir);
    await unlink(join(dir, 'server.pem'));
    const second = await ensureLocalTls(dir);
    expect(second.ca).toBe(first.ca);
    expect(second.cert).not.toBe(first.cert);

    await unlink(join(dir, 'ca-key.pem'));
    const third = await ensureLocalTls(dir);
    expect(third.ca).not.toBe(first.ca);
    expect(new X509Certificate(third.cert).checkIssued(new X509Certificate(third.ca))).toBe(true);
  });

  it('agrees on one CA when two starts race on an empty directory', async () => {
    const dir = await newDir();
    const [a, b] = await Promise.all([ensureLocalTls(dir), ensureLocalTls(dir)]);
    expect(a.ca).toBe(b.ca);
    expect(a.cert).toBe(b.cert);
  });
});
