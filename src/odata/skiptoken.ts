/**
 * `$skiptoken`: the store's keyset position, sealed with HMAC-SHA256 over the position and the context it
 * belongs to (tenant, version, collection, query fingerprint). A token is opaque to clients
 * (docs/graph-schema.md#paging); a tampered one, or one replayed in another tenant, collection or query, fails the
 * check → 400.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { badRequest } from '../util/errors.js';

const MAC_BYTES = 16;
const MAX_TOKEN_LENGTH = 4096;

const mac = (key: Buffer, context: string, position: string): Buffer =>
  createHmac('sha256', key).update(context).update('\n').update(position).digest().subarray(0, MAC_BYTES);

export function sealSkiptoken(key: Buffer, context: string, position: string): string {
  return `${Buffer.from(position, 'utf8').toString('base64url')}.${mac(key, context, position).toString('base64url')}`;
}

const invalid = () =>
  badRequest(
    'The $skiptoken is not valid for this request; use the @odata.nextLink of the previous page unchanged.',
    '$skiptoken',
  );

/** The position sealed in `token`, if it was sealed for `context` with `key`; otherwise 400. */
export function openSkiptoken(key: Buffer, context: string, token: string): string {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw invalid();
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) throw invalid();
  const body = token.slice(0, dot);
  const sig = token.slice(dot + 1);
  if (!/^[A-Za-z0-9_-]+$/.test(body) || !/^[A-Za-z0-9_-]+$/.test(sig)) throw invalid();
  const position = Buffer.from(body, 'base64url').toString('utf8');
  const given = Buffer.from(sig, 'base64url');
  const expected = mac(key, context, position);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  // base64url is not canonical (trailing bits); re-encoding must give the text back.
  if (Buffer.from(position, 'utf8').toString('base64url') !== body) throw invalid();
  return position;
}
