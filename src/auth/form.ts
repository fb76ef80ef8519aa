/** Reading a token request: its form body and HTTP Basic client credentials (RFC 6749 §2.3.1). */
import type { EndpointRequest } from './endpoint.js';

/** The form body of a token request, or undefined when the body is not form-encoded. */
export function parseForm(req: EndpointRequest): URLSearchParams | undefined {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== '' && type !== 'application/x-www-form-urlencoded') return undefined;
  const body = req.body;
  if (body === undefined) return new URLSearchParams();
  if (typeof body === 'string') return new URLSearchParams(body);
  if (Buffer.isBuffer(body)) return new URLSearchParams(body.toString('utf8'));
  return undefined;
}

/**
 * `Authorization: Basic` client credentials (each part form-encoded before base64). Undefined when there is no
 * Basic header; null when it is malformed.
 */
export function basicCredentials(header: string | undefined): { id: string; secret: string } | null | undefined {
  if (header === undefined || header.slice(0, 6).toLowerCase() !== 'basic ') return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
}

/** Clients that skip the form-encoding step send raw text; when it does not decode, take it as is. */
function formDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
