/** Small statistics and Markdown helpers for the benchmark report. */

export function median(xs) {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

export const fmt = {
  int: (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–'),
  ms: (x) => (Number.isFinite(x) ? (x < 10 ? x.toFixed(2) : x.toFixed(1)) : '–'),
  ratio: (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '–'),
  pct: (x) => (Number.isFinite(x) ? `${Math.round(x)} %` : '–'),
  s: (x) => (Number.isFinite(x) ? x.toFixed(1) : '–'),
  mb: (x) => (Number.isFinite(x) ? Math.round(x).toString() : '–'),
};

export function table(head, rows, align) {
  const a = align ?? head.map((_, i) => (i === 0 ? 'l' : 'r'));
  const esc = (c) => String(c ?? '').replace(/\|/g, '\\|');
  return [
    `| ${head.map(esc).join(' | ')} |`,
    `|${a.map((x) => (x === 'r' ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

/**
 * What limited a measurement, from CPU shares in % of one core: the server process(es), the load generator,
 * both (every core busy), or neither (waiting on I/O or on round trips).
 */
export function verdict({ serverPct, loadPct, extraPct = 0, machinePct, iowaitPct = 0, cores }) {
  const hot = 85;
  if (loadPct >= hot && serverPct >= hot) return 'both (all cores busy)';
  if (serverPct >= hot) return 'server CPU';
  if (loadPct >= hot) return 'load generator';
  if (extraPct >= hot) return 'database CPU';
  if (machinePct !== undefined && machinePct >= cores * hot) {
    const others = Math.max(0, machinePct - serverPct - loadPct - extraPct);
    return `machine CPU (all ${cores} cores busy; other processes ${Math.round(others)} %)`;
  }
  if (iowaitPct >= 20) return `I/O wait (${Math.round(iowaitPct)} %)`;
  return 'neither saturated (latency / I/O)';
}
