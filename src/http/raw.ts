/**
 * Answers written straight to a socket, for what happens outside Fastify's request cycle: requests Node's
 * HTTP parser refused, and a 413 that must reach a client still sending its body.
 */

import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorAnswer } from '../format/errors.js';

/** Writes `answer` as a complete HTTP/1.1 response that closes the connection. */
export function writeRawAnswer(socket: Duplex, answer: ErrorAnswer): void {
  const body = Buffer.from(answer.body);
  const head = [`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}`];
  for (const [k, v] of Object.entries(answer.headers)) head.push(`${k}: ${v}`);
  head.push(`Content-Length: ${body.length}`, `Date: ${new Date().toUTCString()}`, 'Connection: close', '', '');
  socket.write(head.join('\r\n'));
  socket.write(body);
}

/** How much of an oversized body is read and discarded after the 413, and for how long at most. */
export const DRAIN_BYTES = 16 * 1024 * 1024;
export const DRAIN_MS = 10_000;

/**
 * Sends `answer` at once, then reads and discards the rest of the request body (up to DRAIN_BYTES or DRAIN_MS)
 * before closing: a client that writes its whole body before reading sees the answer, not a reset.
 */
export function answerAndDrain(
  socket: Duplex,
  body: IncomingMessage,
  answer: ErrorAnswer,
  limits = { bytes: DRAIN_BYTES, ms: DRAIN_MS },
): void {
  writeRawAnswer(socket, answer);
  let read = 0;
  const finish = (): void => {
    clearTimeout(timer);
    body.removeListener('data', onData);
    socket.end();
    // A client that never reads its answer must not hold the socket open.
    setTimeout(() => socket.destroy(), 1000).unref();
  };
  const onData = (chunk: Buffer): void => {
    read += chunk.length;
    if (read > limits.bytes) {
      clearTimeout(timer);
      body.removeListener('data', onData);
      socket.destroy();
    }
  };
  const timer = setTimeout(() => {
    body.removeListener('data', onData);
    socket.destroy();
  }, limits.ms);
  timer.unref();
  if (body.complete) {
    finish();
    return;
  }
  body.on('data', onData);
  body.once('end', finish);
  body.once('error', () => socket.destroy());
  body.resume();
}
