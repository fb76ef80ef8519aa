/**
 * What the HTTP shell decides before the api runs is Graph-shaped too: methods Node or Fastify do not route,
 * oversized headers, URLs and bodies, broken URLs; and `GET /` sends a person to the console. Raw sockets, so
 * that nothing in between rewrites the answer.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
let port: number;
const CFG = '/v1.0/deviceAppManagement/mobileAppConfigurations';

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** A socket error seen while sending or reading (EPIPE, ECONNRESET), if any. */
  socketError?: string;
}

/** Sends `head` (and `body`) on a fresh connection and reads until the server closes it. */
function raw(head: string, body?: Buffer, tls = false): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const s = tls
      ? connectTls({
          port: Number(new URL(t.https).port),
          host: '127.0.0.1',
          servername: 'localhost',
          ca: readFileSync(t.server.caPath!, 'utf8'),
        })
      : connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let socketError: string | undefined;
    s.on('data', (d) => chunks.push(d));
    s.on('error', (e) => {
      socketError = (e as NodeJS.ErrnoException).code ?? e.message;
    });
    s.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [headText = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = headText.split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: rest.join('\r\n\r\n'),
        ...(socketError ? { socketError } : {}),
      });
    });
    s.write(head);
    if (body) s.write(body);
  });
}

const request = (method: string, path: string, extra = '') =>
  raw(
    `${method} ${path} HTTP/1.1\r\nHost: localhost\r\nClient-Request-Id: shell-test\r\n${extra}Connection: close\r\n\r\n`,
  );

function expectGraphError(a: RawAnswer, status: number, code: string): { message: string } {
  expect(a.status).toBe(status);
  expect(a.headers['content-type']).toMatch(/^application\/json/);
  expect(a.headers['request-id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(a.headers['odata-version']).toBe('4.0');
  const b = JSON.parse(a.body) as {
    error: { code: string; message: string; innerError: Record<string, string> };
  };
  expect(Object.keys(b)).toEqual(['error']);
  expect(b.error.code).toBe(code);
  expect(Object.keys(b.error.innerError)).toEqual(['date', 'request-id', 'client-request-id']);
  expect(b.error.innerError['request-id']).toBe(a.headers['request-id']);
  return b.error;
}

beforeAll(async () => {
  t = await startTestServer();
  port = Number(new URL(t.http).port);
});
afterAll(async () => {
  await t.close();
});

describe('methods', () => {
  it.each([
    ['FOO', ''],
    ['PROPFIND', ''],
    ['MKCOL', ''],
    ['QUERY', ''],
    ['QUERY', 'Content-Type: application/json\r\nContent-Length: 2\r\n'],
    ['TRACE', ''],
  ])('%s %s answers 405 with Allow', async (method, extra) => {
    const a = await request(method, CFG, extra);
    const e = expectGraphError(a, 405, 'MethodNotAllowed');
    expect(a.headers.allow).toBe('GET, POST');
    expect(e.message).toContain(method);
    expect(a.headers['client-request-id']).toBe('shell-test');
  });

  it('an unknown method on an unknown version answers as that path does', async () => {
    expectGraphError(await request('FOO', '/v2.0/things'), 404, 'ResourceNotFound');
  });

  it('CONNECT answers 405', async () => {
    expectGraphError(await request('CONNECT', 'example.com:443'), 405, 'MethodNotAllowed');
  });
});

describe('sizes', () => {
  it('headers over 16 KiB answer 431', async () => {
    const a = await request('GET', CFG, `X-Big: ${'a'.repeat(20_000)}\r\n`);
    expectGraphError(a, 431, 'RequestHeaderFieldsTooLarge');
  });

  it.each([9000, 20_000])('a URL of %i bytes answers 414', async (n) => {
    expectGraphError(await request('GET', `${CFG}?$filter=${'a'.repeat(n)}`), 414, 'RequestUriTooLong');
    expectGraphError(await request('GET', `${CFG}/${'a'.repeat(n)}`), 414, 'RequestUriTooLong');
  });

  it('a 10 MB body written whole gets its 413, not a reset', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024, 'a');
    for (let i = 0; i < 3; i++) {
      const a = await raw(
        `PATCH ${CFG}/x/userStatuses HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${big.length}\r\n\r\n`,
        big,
      );
      expect(a.socketError).toBeUndefined();
      expectGraphError(a, 413, 'RequestEntityTooLarge');
    }
  });

  it('over HTTPS as well: the 413 for a whole 10 MB body, the 405 for FOO', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024, 'a');
    const a = await raw(
      `PATCH ${CFG}/x/userStatuses HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${big.length}\r\n\r\n`,
      big,
      true,
    );
    expect(a.socketError).toBeUndefined();
    expectGraphError(a, 413, 'RequestEntityTooLarge');
    const b = await raw(`FOO ${CFG} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`, undefined, true);
    expectGraphError(b, 405, 'MethodNotAllowed');
  });

  it('a chunked body over the limit gets its 413 too', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    const parts: Buffer[] = [];
    for (let i = 0; i < 10; i++)
      parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
    parts.push(Buffer.from('0\r\n\r\n'));
    const a = await raw(
      `PATCH ${CFG}/x/userStatuses HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
      Buffer.concat(parts),
    );
    expect(a.socketError).toBeUndefined();
    expectGraphError(a, 413, 'RequestEntityTooLarge');
  });
});

describe('expectations', () => {
  it('an Expect other than 100-continue answers Graph 417', async () => {
    expectGraphError(await request('GET', CFG, 'Expect: teapot\r\n'), 417, 'ExpectationFailed');
  });
});

describe('paths', () => {
  it('a URL the router cannot decode answers Graph 400', async () => {
    expectGraphError(await request('GET', '/v1.0/%zz'), 400, 'BadRequest');
  });

  it('a request target in absolute form is answered as its path', async () => {
    const a = await request('GET', `http://localhost:${port}/v1.0/$metadata`);
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toMatch(/^application\/xml/);
  });

  it('GET / redirects a person to the console', async () => {
    const a = await request('GET', '/');
    expect(a.status).toBe(302);
    expect(a.headers.location).toBe('/console/');
  });

  it('a console path with no file is Graph 404', async () => {
    expectGraphError(await request('GET', '/console/no-such-file.js'), 404, 'ResourceNotFound');
  });
});
