/**
 * The load generator, run as its own process (child_process.fork) so it never shares a CPU budget with a
 * server under test. It receives one job at a time over IPC, warms up, tells the parent when the measured
 * window starts, and answers with the result and the CPU seconds it spent itself.
 *
 * Job kinds:
 *   patch-upn    PATCH {collection} with one status named by userPrincipalName (the seed PATCH)
 *   get-id       GET {collection}/{id}
 *   patch-id     PATCH {collection}/{id} with status, devicesCount, lastReportedDateTime
 *   get-page     GET {collection}?{query}
 *   bulk-ingest  PATCH {collection} with {"value":[…perRequest…]} until `total` statuses are sent
 */
import http from 'node:http';
import autocannon from 'autocannon';
import { reportedAt, statusBody, statusId, statusName } from './lib/data.mjs';

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** The request sequence of a job: row k of the rotation is row (offset + k·stride) mod n. */
function rotation(job) {
  const n = job.n;
  const stride = 7919;
  let k = job.offset ?? 0;
  return () => {
    const i = (k * stride) % n;
    k++;
    return { i, k };
  };
}

/** Requests that each name the next row of the rotation: `each(i, k)` gives the path (if not the collection) and body. */
function rotating(job, method, each) {
  const next = rotation(job);
  const headers = { ...(job.headers ?? {}) };
  if (method !== 'GET') headers['content-type'] = 'application/json';
  return {
    method,
    path: job.collection,
    headers,
    setupRequest(req) {
      const { i, k } = next();
      const { path, body } = each(i, k);
      if (path) req.path = path;
      if (body) req.body = JSON.stringify(body);
      return req;
    },
  };
}

function requestFor(job) {
  const byId = (i) => `${job.collection}/${statusId(job.tag, i)}`;
  switch (job.kind) {
    case 'patch-upn':
      return rotating(job, 'PATCH', (i, k) => ({ body: statusBody(i, k) }));
    case 'patch-id':
      return rotating(job, 'PATCH', (i, k) => ({
        path: byId(i),
        body: { status: statusName(i), devicesCount: k % 4, lastReportedDateTime: reportedAt(k) },
      }));
    case 'get-id':
      return rotating(job, 'GET', (i) => ({ path: byId(i) }));
    case 'get-page':
      return { method: 'GET', path: `${job.collection}?${job.query}`, headers: { ...(job.headers ?? {}) } };
    default:
      throw new Error(`unknown job kind ${job.kind}`);
  }
}

function cannon(job, durationSec, latencies) {
  return new Promise((resolve, reject) => {
    const inst = autocannon(
      {
        url: job.url,
        connections: job.connections,
        pipelining: 1,
        duration: durationSec,
        timeout: 30,
        requests: [requestFor(job)],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    if (latencies) {
      inst.on('response', (_client, statusCode, _bytes, ms) => {
        if (statusCode >= 200 && statusCode < 300) latencies.push(ms);
      });
    }
  });
}

async function runCannon(job) {
  if (job.warmupSec > 0) await cannon(job, job.warmupSec);
  const latencies = [];
  process.send({ type: 'measuring' });
  const cpu0 = process.cpuUsage();
  const res = await cannon(job, job.durationSec, latencies);
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  const ok = latencies.length;
  const codes = {};
  for (const [code, v] of Object.entries(res.statusCodeStats ?? {})) codes[code] = v.count;
  return {
    requests: ok,
    non2xx: res.non2xx,
    errors: res.errors,
    timeouts: res.timeouts,
    statusCodes: codes,
    seconds: res.duration,
    rps: ok / res.duration,
    latency: {
      p50: percentile(latencies, 50),
      p90: percentile(latencies, 90),
      p99: percentile(latencies, 99),
      mean: ok ? latencies.reduce((a, b) => a + b, 0) / ok : 0,
    },
    loadCpuSec: (cpu.user + cpu.system) / 1e6,
  };
}

/** Sends `total` statuses in bulk PATCHes of `perRequest`, `inFlight` at a time, over keep-alive. */
async function runBulk(job) {
  const { hostname, port } = new URL(job.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.inFlight });
  const requests = Math.ceil(job.total / job.perRequest);
  let nextReq = 0;
  let failures = 0;
  let firstFailure;
  const headers = { ...(job.headers ?? {}), 'content-type': 'application/json' };
  const send = (r) =>
    new Promise((resolve, reject) => {
      const start = (job.start ?? 0) + r * job.perRequest;
      const n = Math.min(job.perRequest, job.total - r * job.perRequest);
      const value = new Array(n);
      for (let j = 0; j < n; j++) value[j] = statusBody(start + j);
      const body = JSON.stringify({ value });
      const req = http.request(
        {
          hostname,
          port,
          agent,
          method: 'PATCH',
          path: job.collection,
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            if (res.statusCode !== 200) {
              failures++;
              firstFailure ??= `${res.statusCode} ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`;
            }
            resolve();
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  process.send({ type: 'measuring' });
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const lane = async () => {
    while (nextReq < requests) {
      const r = nextReq++;
      await send(r);
    }
  };
  await Promise.all(Array.from({ length: job.inFlight }, lane));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  return {
    requests,
    items: job.total,
    failures,
    firstFailure,
    seconds,
    itemsPerSec: job.total / seconds,
    loadCpuSec: (cpu.user + cpu.system) / 1e6,
  };
}

process.on('message', async (job) => {
  if (job === 'exit') process.exit(0);
  try {
    const result = job.kind === 'bulk-ingest' ? await runBulk(job) : await runCannon(job);
    process.send({ type: 'result', result });
  } catch (err) {
    process.send({ type: 'error', message: err?.stack ?? String(err) });
  }
});
process.on('disconnect', () => process.exit(0));
