/**
 * Child processes for the benchmarks: start a server, wait for its banner, sample its CPU and memory from
 * /proc, and stop it. Everything started here is registered, so an error, Ctrl-C or SIGTERM still stops it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';

const children = new Set();

/** Stops every child still running (synchronously, for exit paths). */
export function killAll(signal = 'SIGKILL') {
  for (const c of children) {
    try {
      process.kill(c.pid, signal);
    } catch {}
  }
  children.clear();
}

/** Registers a child started elsewhere (e.g. fork) so the exit hooks stop it too. */
export function track(child) {
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

let hooked = false;
/** Installs exit hooks once: whatever happens to this process, its children do not outlive it. */
export function installCleanup(extra = () => {}) {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    killAll();
    try {
      extra();
    } catch {}
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      process.stderr.write(`\nbench: ${sig}, stopping what it started\n`);
      process.exit(130);
    });
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Spawns `cmd args` with stdout/stderr to `logFile` and waits until the log matches `ready` (a RegExp whose
 * first group, if any, is returned as `match`). Returns { child, pid, match, logFile }.
 */
export async function startProcess({ name, cmd, args, cwd, env, logFile, ready, timeoutMs = 180_000 }) {
  const fd = openSync(logFile, 'w');
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  children.add(child);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
    children.delete(child);
  });
  const t0 = Date.now();
  for (;;) {
    const text = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    const m = ready.exec(text);
    if (m) return { name, child, pid: child.pid, match: m[1], logFile };
    if (exited)
      throw new Error(
        `${name} exited (${JSON.stringify(exited)}) before it was ready; log ${logFile}:\n${text.slice(-2000)}`,
      );
    if (Date.now() - t0 > timeoutMs) {
      stopNow(child);
      throw new Error(`${name} was not ready after ${timeoutMs} ms; log ${logFile}:\n${text.slice(-2000)}`);
    }
    await sleep(50);
  }
}

function stopNow(child) {
  try {
    process.kill(child.pid, 'SIGKILL');
  } catch {}
  children.delete(child);
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
export async function stopProcess(proc, graceMs = 15_000) {
  if (!proc) return;
  const { child } = proc;
  if (child.exitCode !== null || child.signalCode !== null) {
    children.delete(child);
    return;
  }
  const gone = new Promise((r) => child.once('exit', r));
  try {
    process.kill(child.pid, 'SIGTERM');
  } catch {}
  const timer = setTimeout(() => stopNow(child), graceMs);
  await gone;
  clearTimeout(timer);
  children.delete(child);
}

let clkTck;
export function clockTicks() {
  if (clkTck === undefined) {
    try {
      clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
}

/** CPU seconds (user + system, all threads) a process has used so far, or undefined when it is gone. */
export function cpuSeconds(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // After ")": state(3) ppid(4) … utime(14) stime(15) → indices 11 and 12.
    return (Number(rest[11]) + Number(rest[12])) / clockTicks();
  } catch {
    return undefined;
  }
}

/**
 * The sum of cpuSeconds over every process whose command name is `comm`, and, given `title`, whose command line
 * (a PostgreSQL backend's names its database) matches it.
 */
export function cpuSecondsByComm(comm, title) {
  let total = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() !== comm) continue;
      if (title && !title.test(readFileSync(`/proc/${d}/cmdline`, 'utf8'))) continue;
    } catch {
      continue;
    }
    total += cpuSeconds(Number(d)) ?? 0;
  }
  return total;
}

/** Machine-wide CPU seconds so far, over all cores: busy (user, system, irq, steal) and waiting on I/O. */
export function machineCpu() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , iowait, irq, softirq, steal] = f;
  return { busy: (user + nice + system + irq + softirq + steal) / clockTicks(), iowait: iowait / clockTicks() };
}

/** { rssMb, peakRssMb } from /proc/<pid>/status. */
export function memory(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? 0);
    return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
  } catch {
    return { rssMb: 0, peakRssMb: 0 };
  }
}

export { sleep };
