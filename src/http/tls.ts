/**
 * A local CA for HTTPS without `--cert/--key` (docs/api.md#running-the-server). The Graph SDK sends tokens and follows
 * nextLinks only over https, so the server makes its own CA on first start, keeps it in the data directory, and issues
 * itself a server certificate that clients trust through `NODE_EXTRA_CA_CERTS=<dataDir>/ca.pem`.
 *
 * Files in dataDir: ca.pem, ca-key.pem, server.pem, server-key.pem (keys mode 0600). The CA is kept as long as
 * it is valid for more than 30 days (replacing it would make clients re-trust a new one). The server certificate
 * is re-issued when it is missing, unreadable, not signed by the current CA, expires within 30 days, does not
 * match its key, or lacks one of the requested hosts.
 */
import { createPrivateKey, createPublicKey, randomBytes, webcrypto } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';

type X509 = typeof import('@peculiar/x509');
type Key = webcrypto.CryptoKey;
type KeyPair = webcrypto.CryptoKeyPair;

export interface LocalTls {
  /** PEM private key of the server certificate. */
  key: string;
  /** PEM server certificate. */
  cert: string;
  /** Absolute path of the CA certificate to trust (for `NODE_EXTRA_CA_CERTS`). */
  caPath: string;
  /** PEM CA certificate. */
  ca: string;
}

export const DEFAULT_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1'];

const DAY = 24 * 60 * 60 * 1000;
const RENEW_BEFORE = 30 * DAY;
const CA_VALIDITY = 10 * 365 * DAY;
/** Over a year, under the 398 days browsers accept for server certificates. */
const LEAF_VALIDITY = 397 * DAY;
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const LOCK_STALE_MS = 30_000;
const LOCK_WAIT_MS = 15_000;

let x509Module: Promise<X509> | undefined;

/** @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API loaded first. */
function loadX509(): Promise<X509> {
  x509Module ??= (async () => {
    await import('reflect-metadata');
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(webcrypto);
    return x509;
  })();
  return x509Module;
}

/** Lower-case DNS names, IPs in Node's canonical text form (so `0:0::1` and `::1` compare equal). */
function normalizeHost(host: string): { type: 'dns' | 'ip'; value: string } {
  let h = host.trim();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  const kind = isIP(h);
  if (kind === 4) return { type: 'ip', value: h };
  if (kind === 6) {
    try {
      return { type: 'ip', value: new URL(`http://[${h}]/`).hostname.slice(1, -1) };
    } catch {
      return { type: 'ip', value: h.toLowerCase() }; // zone ids (fe80::1%eth0) do not parse as URLs
    }
  }
  return { type: 'dns', value: h.toLowerCase().replace(/\.$/, '') };
}

const hostKey = (n: { type: string; value: string }): string => `${n.type}:${n.value}`;

/** Serial numbers: 16 random bytes, top bit clear so the DER integer is positive. */
function serial(): string {
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f;
  return b.toString('hex');
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Write-then-rename, so a reader (another instance starting) never sees half a file. */
async function writeAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, data, { mode });
  await chmod(tmp, mode); // writeFile's mode passes through the umask
  await rename(tmp, path);
}

/** A directory lock (mkdir is atomic) so that instances starting together agree on one CA. */
async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(dir, '.tls.lock');
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const age = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > LOCK_STALE_MS) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lock}; remove it if no server is starting.`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function exportKey(x509: X509, key: Key): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

async function importSigningKey(x509: X509, pem: string): Promise<Key> {
  const der = x509.PemConverter.decode(pem)[0];
  if (der === undefined) throw new Error('no PEM block');
  return webcrypto.subtle.importKey('pkcs8', der, ALG, false, ['sign']);
}

/** True when the PEM private key belongs to the certificate's public key. */
function keyMatches(keyPem: string, cert: { publicKey: { rawData: ArrayBuffer } }): boolean {
  const spki = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
  return Buffer.from(cert.publicKey.rawData).equals(spki);
}

interface Ca {
  pem: string;
  cert: InstanceType<X509['X509Certificate']>;
  key: Key;
}

async function loadCa(x509: X509, certPem: string | undefined, keyPem: string | undefined): Promise<Ca | undefined> {
  if (certPem === undefined || keyPem === undefined) return undefined;
  try {
    const cert = new x509.X509Certificate(certPem);
    if (cert.notAfter.getTime() - Date.now() < RENEW_BEFORE || !keyMatches(keyPem, cert)) return undefined;
    return { pem: certPem, cert, key: await importSigningKey(x509, keyPem) };
  } catch {
    return undefined; // unreadable: make a new one
  }
}

async function createCa(x509: X509): Promise<{ ca: Ca; keyPem: string }> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as KeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=appconfig-graph local CA ${new Date(now).toISOString().slice(0, 10)}, O=appconfig-graph`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + CA_VALIDITY),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pem = cert.toString('pem');
  return { ca: { pem, cert, key: keys.privateKey }, keyPem: await exportKey(x509, keys.privateKey) };
}

async function leafIsUsable(
  x509: X509,
  ca: Ca,
  certPem: string | undefined,
  keyPem: string | undefined,
  wanted: Set<string>,
): Promise<boolean> {
  if (certPem === undefined || keyPem === undefined) return false;
  try {
    const cert = new x509.X509Certificate(certPem);
    const now = Date.now();
    if (cert.notBefore.getTime() > now || cert.notAfter.getTime() - now < RENEW_BEFORE) return false;
    if (!(await cert.verify({ publicKey: ca.cert.publicKey, signatureOnly: true }))) return false;
    if (!keyMatches(keyPem, cert)) return false;
    const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
    const have = new Set((san?.names.toJSON() ?? []).map((n) => hostKey(normalizeHost(n.value))));
    for (const w of wanted) if (!have.has(w)) return false;
    return true;
  } catch {
    return false;
  }
}

async function issueLeaf(
  x509: X509,
  ca: Ca,
  hosts: { type: 'dns' | 'ip'; value: string }[],
): Promise<{ certPem: string; keyPem: string }> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as KeyPair;
  const now = Date.now();
  const notAfter = Math.min(now + LEAF_VALIDITY, ca.cert.notAfter.getTime());
  const cn = hosts.find((h) => h.type === 'dns')?.value ?? 'localhost';
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${cn}, O=appconfig-graph`,
    issuer: ca.cert.subject,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(notAfter),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: ca.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(hosts),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await exportKey(x509, keys.privateKey) };
}

/**
 * Returns the key and certificate to serve HTTPS with, creating or renewing the local CA and the server
 * certificate in `dataDir` as needed. SANs: localhost, 127.0.0.1, ::1 and `hosts` (names or IPs; `[::1]` ok).
 */
export async function ensureLocalTls(dataDir: string, hosts: string[] = []): Promise<LocalTls> {
  const x509 = await loadX509();
  const dir = resolve(dataDir);
  await mkdir(dir, { recursive: true });
  const paths = {
    ca: join(dir, 'ca.pem'),
    caKey: join(dir, 'ca-key.pem'),
    cert: join(dir, 'server.pem'),
    key: join(dir, 'server-key.pem'),
  };

  const names: { type: 'dns' | 'ip'; value: string }[] = [];
  const seen = new Set<string>();
  for (const h of [...DEFAULT_HOSTS, ...hosts]) {
    if (h.trim() === '') continue;
    const n = normalizeHost(h);
    if (seen.has(hostKey(n))) continue;
    seen.add(hostKey(n));
    names.push(n);
  }

  return withLock(dir, async () => {
    let ca = await loadCa(x509, await readIfExists(paths.ca), await readIfExists(paths.caKey));
    let caRenewed = false;
    if (ca === undefined) {
      const made = await createCa(x509);
      // Key first: a ca.pem on disk always has its key beside it.
      await writeAtomic(paths.caKey, made.keyPem, 0o600);
      await writeAtomic(paths.ca, made.ca.pem, 0o644);
      ca = made.ca;
      caRenewed = true;
    }

    let certPem = await readIfExists(paths.cert);
    let keyPem = await readIfExists(paths.key);
    if (caRenewed || !(await leafIsUsable(x509, ca, certPem, keyPem, seen))) {
      // Keep the hosts an earlier start asked for, so that alternating host lists do not re-issue every time.
      const prior = certPem === undefined ? [] : priorHosts(x509, certPem);
      for (const n of prior) {
        if (!seen.has(hostKey(n))) {
          seen.add(hostKey(n));
          names.push(n);
        }
      }
      const issued = await issueLeaf(x509, ca, names);
      certPem = issued.certPem;
      keyPem = issued.keyPem;
      await writeAtomic(paths.key, keyPem, 0o600);
      await writeAtomic(paths.cert, certPem, 0o644);
    } else {
      await chmod(paths.key, 0o600);
    }
    if (!caRenewed) await chmod(paths.caKey, 0o600);
    return { key: keyPem!, cert: certPem!, caPath: paths.ca, ca: ca.pem };
  });
}

function priorHosts(x509: X509, certPem: string): { type: 'dns' | 'ip'; value: string }[] {
  try {
    const san = new x509.X509Certificate(certPem).getExtension(x509.SubjectAlternativeNameExtension);
    return (san?.names.toJSON() ?? [])
      .filter((n) => n.type === 'dns' || n.type === 'ip')
      .map((n) => normalizeHost(n.value));
  } catch {
    return [];
  }
}
