/** Cases 1, 2 and 6: the seed PATCH, the keyed GET and the keyed PATCH; ours, the limit and the peers. */

import { atLevels, loadJob, walMb } from '../lib/measure.mjs';
import { ensurePeers, startJsonServerFile, startJsonServerMemory, startPrismPeer } from '../lib/peers.mjs';
import { writeJsonServerDb } from '../lib/prepare.mjs';
import { checkLimit } from '../lib/probes.mjs';
import { stopProcess } from '../lib/procs.mjs';
import { ourPath, startLimit, startOurs, targetOf } from '../lib/servers.mjs';

/**
 * Cases 1, 2 and 6: seed PATCH, keyed GET and keyed PATCH; ours vs the limit at each level of concurrent clients,
 * and the peers at one of them (P.peerConnections), interleaved.
 */
export async function casesThroughput(ctx, data) {
  const { P, report, want } = ctx;
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
    await checkLimit(ctx, ours, limit, cfg, ['seed PATCH', 'keyed GET', 'keyed PATCH']);

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
      const targets = (clients) => [
        ours,
        ...(want(op.case) ? [limit] : []),
        ...(clients === P.peerConnections ? peers.filter((p) => p.ops.includes(op.name)) : []),
      ];
      const { rows, levels } = await atLevels(ctx, op.name, targets, (t, clients) =>
        loadJob(ctx, t, op.kind, cfg, { connections: clients }),
      );
      report.sections.push({ kind: 'throughput', case: op.case, op: op.name, n: cfg.n, rows, levels, prismDoc });
    }
  } finally {
    await stopAll();
  }
}
