/** Cases 1, 2 and 6: the seed PATCH, the keyed GET and the keyed PATCH; ours, the limit and the peers. */

import { log } from '../lib/context.mjs';
import { statusBody, statusId } from '../lib/data.mjs';
import { interleaved, loadJob, pairedRatio, summarizeRows, walMb } from '../lib/measure.mjs';
import { ensurePeers, startJsonServerFile, startJsonServerMemory, startPrismPeer } from '../lib/peers.mjs';
import { writeJsonServerDb } from '../lib/prepare.mjs';
import { sameJson } from '../lib/probes.mjs';
import { stopProcess } from '../lib/procs.mjs';
import { ourPath, startLimit, startOurs, targetOf } from '../lib/servers.mjs';

/** Cases 1, 2 and 6: seed PATCH, keyed GET and keyed PATCH; ours vs the limit vs the peers, interleaved. */
export async function casesThroughput(ctx, data) {
  const { report, want } = ctx;
  const cfg = data.configs.mid;
  const auth = { authorization: `Bearer ${data.token}` };
  const started = [];
  const stopAll = () => Promise.all(started.map((p) => stopProcess(p)));
  try {
    const oursP = await startOurs(ctx, 'ours', data.db);
    started.push(oursP);
    const limitP = await startLimit(ctx, 'limit', data.db);
    started.push(limitP);
    const wal = () => walMb(data.db);
    const ours = targetOf('ours', oursP, auth, { wal });
    const limit = targetOf('limit', limitP, auth, { wal });

    // Honesty: the limit answers the same JSON as ours for each benchmarked request.
    const checks = [
      ['seed PATCH', 'PATCH', ourPath(cfg), statusBody(3, 3)],
      ['keyed GET', 'GET', `${ourPath(cfg)}/${statusId(cfg.tag, 3)}`, undefined],
      ['keyed PATCH', 'PATCH', `${ourPath(cfg)}/${statusId(cfg.tag, 3)}`, { status: 'compliant', devicesCount: 1 }],
    ];
    for (const [what, method, path, body] of checks) {
      const diff = await sameJson(ours, limit, method, path, body);
      if (diff) report.notes.push(`The limit does not answer the ${what} as ours does: ${diff}`);
      else log(`  ${what}: the limit answers the same JSON as ours`);
    }

    let peers = [];
    let prismDoc;
    if (want(6)) {
      ensurePeers();
      const file = writeJsonServerDb(ctx, cfg);
      const js = await startJsonServerFile(ctx, file);
      started.push(js);
      const jm = await startJsonServerMemory(ctx, file);
      started.push(jm);
      const { prism, document } = await startPrismPeer(ctx, ours, cfg);
      started.push(prism);
      prismDoc = document;
      const jsPath = () => '/userStatuses';
      peers = [
        {
          label: 'json-server (file)',
          logFile: js.logFile,
          url: js.url,
          pid: js.pid,
          headers: auth,
          collection: jsPath,
          ops: ['keyed GET', 'keyed PATCH'],
        },
        {
          label: 'json-server (memory)',
          logFile: jm.logFile,
          url: jm.url,
          pid: jm.pid,
          headers: auth,
          collection: jsPath,
          ops: ['keyed PATCH'],
        },
        {
          label: 'Prism',
          logFile: prism.logFile,
          url: prism.url,
          pid: prism.pid,
          headers: auth,
          collection: ourPath,
          ops: ['seed PATCH', 'keyed GET', 'keyed PATCH'],
        },
      ];
    }

    const ops = [
      { case: 1, name: 'seed PATCH', kind: 'patch-upn' },
      { case: 2, name: 'keyed GET', kind: 'get-id' },
      { case: 2, name: 'keyed PATCH', kind: 'patch-id' },
    ];
    for (const op of ops) {
      if (!want(op.case) && !want(6)) continue;
      const targets = [ours, ...(want(op.case) ? [limit] : []), ...peers.filter((p) => p.ops.includes(op.name))];
      const rows = await interleaved(
        ctx,
        op.name,
        targets,
        (t) => loadJob(ctx, t, op.kind, cfg),
        (t) => [t.pid],
      );
      const sum = summarizeRows(
        rows,
        targets.map((t) => t.label),
      );
      const ratios = {};
      for (const t of targets) {
        if (t.label === 'ours') continue;
        ratios[t.label] = t.label === 'limit' ? pairedRatio(rows, 'ours', 'limit') : pairedRatio(rows, t.label, 'ours');
      }
      report.sections.push({ kind: 'throughput', case: op.case, op: op.name, n: cfg.n, rows, sum, ratios, prismDoc });
    }
  } finally {
    await stopAll();
  }
}
