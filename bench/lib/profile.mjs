/** `--profile`: our server and the limit under --cpu-prof, one process per scenario, and where the samples fall. */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH, log, REPO, stamp } from './context.mjs';
import { formatSummary, summarize } from './cpuprofile.mjs';
import { loadJob, measure } from './measure.mjs';
import { startProcess, stopProcess } from './procs.mjs';
import { fmt } from './report.mjs';
import { ourPath, PAGE_QUERY, startOurs } from './servers.mjs';

/** `--profile`: our server under --cpu-prof, one process per scenario, and where its samples fall. */
export async function profile(ctx, data) {
  const { work } = ctx;
  const dir = join(BENCH, 'results', `profile-${stamp()}`);
  mkdirSync(dir, { recursive: true });
  const auth = { authorization: `Bearer ${data.token}` };
  const scenarios = [
    { name: 'seed PATCH', kind: 'patch-upn', cfg: data.configs.mid },
    { name: 'keyed GET', kind: 'get-id', cfg: data.configs.mid },
    { name: 'keyed PATCH', kind: 'patch-id', cfg: data.configs.mid },
    {
      name: 'filtered page 1M',
      kind: 'get-page',
      cfg: data.configs.large,
      extra: { query: PAGE_QUERY, connections: 1 },
    },
  ];
  const out = [`# CPU profiles of the server and of the limit (${new Date().toISOString()})`, ''];
  for (const s of scenarios) {
    for (const who of ['ours', 'limit']) {
      const sub = join(dir, `${who}-${s.name.replace(/\W+/g, '-')}`);
      mkdirSync(sub);
      const p =
        who === 'ours'
          ? await startOurs(ctx, `profile-${s.kind}`, data.db, ['--cpu-prof', '--cpu-prof-dir', sub])
          : await startProcess({
              name: `profile-limit-${s.kind}`,
              cmd: process.execPath,
              args: ['--cpu-prof', '--cpu-prof-dir', sub, join(BENCH, 'limit.mjs'), '--db', data.db, '--port', '0'],
              cwd: REPO,
              logFile: join(work, `profile-limit-${s.kind}.log`),
              ready: /limit serving (http:\/\/127\.0\.0\.1:\d+)/,
            }).then((x) => ({ ...x, url: x.match }));
      let m;
      try {
        const t = { url: p.url, headers: auth, collection: ourPath };
        m = await measure([loadJob(ctx, t, s.kind, s.cfg, s.extra ?? {})], [p.pid]);
      } finally {
        await stopProcess(p);
      }
      const r = m.results[0];
      const cpuUs = (m.serverPct[0] / 100 / r.rps) * 1e6;
      const file = readdirSync(sub).find((f) => f.endsWith('.cpuprofile'));
      const title = `${who}, ${s.name}: ${fmt.int(r.rps)} req/s under the profiler, ${fmt.int(cpuUs)} µs CPU per request (${r.non2xx} non-2xx)`;
      if (!file) {
        out.push(`### ${title}`, '', 'no profile was written', '');
        continue;
      }
      out.push(formatSummary(summarize(join(sub, file), { repo: REPO }), title), '');
      log(`profiled ${who} ${s.name}: ${join(sub, file)}`);
    }
  }
  const text = out.join('\n');
  writeFileSync(join(dir, 'profile.md'), text);
  process.stdout.write(`${text}\n`);
  log(`profile written to ${join(dir, 'profile.md')}`);
}
