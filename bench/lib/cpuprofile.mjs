/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): where the samples fall by function (self and
 * inclusive) and by area (our dist/ files, dependencies, Node internals, GC, idle).
 */
import { readFileSync } from 'node:fs';

const shortUrl = (url, repo) => {
  if (!url) return '';
  let u = url.replace(/^file:\/\//, '');
  if (repo && u.startsWith(repo)) u = u.slice(repo.length + 1);
  return u.replace(/^.*node_modules\//, 'node_modules/');
};

export function area(url, name, repo) {
  if (!url) {
    if (name === '(idle)') return '(idle)';
    if (name === '(garbage collector)') return '(garbage collector)';
    if (name === '(program)') return '(program: native, outside JS)';
    return `native: ${name || '(anonymous)'}`;
  }
  const u = shortUrl(url, repo);
  if (u.startsWith('node:')) return `node: ${u.slice(5).split('/')[0]}`;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
  if (nm) return `dep: ${nm[1]}`;
  return u;
}

export function summarize(file, { repo, top = 25 } = {}) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const counts = new Map();
  for (const s of prof.samples) counts.set(s, (counts.get(s) ?? 0) + 1);
  const total = prof.samples.length;
  const key = (n) => {
    const f = n.callFrame;
    return `${f.functionName || '(anonymous)'}  ${shortUrl(f.url, repo)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
  };
  const self = new Map();
  const incl = new Map();
  const areas = new Map();
  let idle = 0;
  for (const [id, c] of counts) {
    const n = byId.get(id);
    const k = key(n);
    self.set(k, (self.get(k) ?? 0) + c);
    const a = area(n.callFrame.url, n.callFrame.functionName, repo);
    areas.set(a, (areas.get(a) ?? 0) + c);
    if (n.callFrame.functionName === '(idle)') idle += c;
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const kk = key(byId.get(cur));
      if (seen.has(kk)) continue;
      seen.add(kk);
      incl.set(kk, (incl.get(kk) ?? 0) + c);
    }
  }
  const busy = total - idle;
  const rank = (m) =>
    [...m.entries()]
      .filter(([k]) => !k.startsWith('(idle)') && !k.startsWith('(root)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, c]) => ({ name: k, samples: c, pctBusy: (100 * c) / busy }));
  return {
    file,
    samples: total,
    idlePct: (100 * idle) / total,
    self: rank(self),
    inclusive: rank(incl),
    areas: rank(areas),
  };
}

export function formatSummary(s, title) {
  const lines = [
    `### ${title}`,
    '',
    `${s.samples} samples, ${s.idlePct.toFixed(1)} % idle; shares below are of the non-idle samples.`,
    '',
  ];
  const table = (head, rows) => {
    lines.push(`| ${head} | share |`, '|---|---:|');
    for (const r of rows) lines.push(`| \`${r.name.replace(/\|/g, '\\|')}\` | ${r.pctBusy.toFixed(1)} % |`);
    lines.push('');
  };
  lines.push('By area (self time):', '');
  table('area', s.areas.slice(0, 15));
  lines.push('Top functions, self time:', '');
  table('function  file:line', s.self.slice(0, 20));
  lines.push('Top functions, inclusive (our code and its callees):', '');
  table(
    'function  file:line',
    s.inclusive.filter((r) => r.name.includes('dist/') || r.name.includes('bench/')).slice(0, 20),
  );
  return lines.join('\n');
}
