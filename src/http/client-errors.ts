/**
 * Graph-shaped answers to what Node's HTTP server decides before Fastify sees a request: a method its parser
 * does not know (`FOO`), headers or a request line over the size limit, broken framing, a request that took too
 * long, a CONNECT, an `Expect` it cannot meet.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Api } from '../api/app.js';
import { type ErrorAnswer, type ErrorIds, errorAnswer, errorIds } from '../format/errors.js';
import { writeRawAnswer } from './raw.js';

/** The longest URL (path and query) answered; longer ones get 414. */
export const MAX_URL_LENGTH = 8192;

/** Fresh ids for an answer, echoing the client's `client-request-id` if it sent one. */
export function newIds(headers: IncomingHttpHeaders | Record<string, string>): ErrorIds {
  const c = headers['client-request-id'];
  return errorIds(randomUUID(), typeof c === 'string' ? c : undefined);
}

/** Answers Node's CONNECT and unmet-`Expect` events, which it would otherwise answer itself without a body. */
export function answerProtocolEvents(server: Pick<Server, 'on'>): void {
  server.on('connect', (req, socket: Duplex) => {
    const answer = errorAnswer(
      'MethodNotAllowed',
      'CONNECT is not supported: this server is not a proxy.',
      newIds(req.headers),
      {
        headers: { Allow: 'GET, POST, PATCH, DELETE' },
      },
    );
    writeRawAnswer(socket, answer);
    socket.end();
  });
  server.on('checkExpectation', (req, res) => {
    const a = errorAnswer(
      'ExpectationFailed',
      `The expectation '${req.headers.expect}' cannot be met; only 100-continue is supported.`,
      newIds(req.headers),
    );
    res
      .writeHead(a.status, { ...a.headers, 'Content-Length': Buffer.byteLength(a.body), Connection: 'close' })
      .end(a.body);
  });
}

interface ParserError extends Error {
  code?: string;
  /** The bytes being parsed when it failed (a Buffer; typed loosely by Fastify). */
  rawPacket?: unknown;
}

/** The request line and headers as far as they arrived; lower-case header names. */
function readHead(packet: Buffer | undefined): { method?: string; url?: string; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  if (!packet) return { headers };
  const text = packet.subarray(0, 64 * 1024).toString('latin1');
  const lines = text.split('\r\n');
  const start = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/\d\.\d$/.exec(lines[0] ?? '');
  for (const line of lines.slice(1)) {
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return start ? { method: start[1]!, url: start[2]!, headers } : { headers };
}

/** The `clientError` handler: answers on the raw socket, then closes it. */
export function createClientErrorHandler(api: Api, scheme: 'http' | 'https') {
  return (err: ParserError, socket: Duplex): void => {
    if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
      socket.destroy();
      return;
    }
    void answerFor(api, scheme, err).then(
      (answer) => {
        if (!socket.writable) return socket.destroy();
        writeRawAnswer(socket, answer);
        socket.end();
      },
      () => socket.destroy(),
    );
  };
}

async function answerFor(api: Api, scheme: string, err: ParserError): Promise<ErrorAnswer> {
  const packet = Buffer.isBuffer(err.rawPacket) ? err.rawPacket : undefined;
  const head = readHead(packet);
  const ids = newIds(head.headers);
  switch (err.code) {
    case 'HPE_INVALID_METHOD':
      // The path decides which methods it allows, as for any other method it does not define.
      if (head.url?.startsWith('/')) {
        if (head.url.length > MAX_URL_LENGTH) return uriTooLong(ids);
        const res = await api.handle({
          method: head.method ?? 'UNKNOWN',
          url: head.url,
          headers: head.headers,
          baseUrl: `${scheme}://${head.headers.host ?? 'localhost'}`,
          requestId: ids.requestId,
        });
        return { status: res.status, headers: res.headers, body: res.body ?? '' };
      }
      return errorAnswer('MethodNotAllowed', `The HTTP method '${head.method ?? '?'}' is not supported.`, ids, {
        headers: { Allow: 'GET, POST, PATCH, DELETE' },
      });
    case 'HPE_HEADER_OVERFLOW':
      // Node counts the request line as a header; a line that alone fills the packet is a URL too long.
      if (head.url !== undefined && head.url.length > MAX_URL_LENGTH) return uriTooLong(ids);
      if (head.url === undefined && packet && !packet.includes('\r\n')) return uriTooLong(ids);
      return errorAnswer(
        'RequestHeaderFieldsTooLarge',
        'The request line and headers together exceed the 16 KiB limit.',
        ids,
      );
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return errorAnswer('RequestTimeout', 'The request did not arrive completely in time.', ids);
    default:
      return errorAnswer(
        'BadRequest',
        `The request is not valid HTTP/1.1 (${err.code ?? 'parse error'}: ${err.message}).`,
        ids,
      );
  }
}

export const uriTooLong = (ids: ErrorIds): ErrorAnswer =>
  errorAnswer('RequestUriTooLong', `The request URL is longer than ${MAX_URL_LENGTH} bytes, the limit.`, ids);
