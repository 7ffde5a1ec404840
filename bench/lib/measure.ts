/**
 * Runs one command in a child process and measures its wall time and peak resident memory, with a time
 * limit. Used where two tools are compared side by side, so that each figure belongs to one process only.
 *
 * Peak RSS comes from GNU time (`/usr/bin/time -f %M`: the kernel's `ru_maxrss` of the command, exact)
 * when it is installed, else from polling `/proc/<pid>/status` (`VmHWM`, the kernel's own high-water
 * mark, read every 100 ms: exact except for growth in the last 100 ms of the run).
 *
 * The command must be the process that does the work (run `node script.js`, not `npx …`, whose own
 * process would be the one measured).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Measured {
  /** Wall time, from spawn to exit. */
  seconds: number;
  /** Peak resident set size in MiB, or null if it could not be read. */
  peakRssMb: number | null;
  /** Exit code, or null when killed (time limit, or a signal such as the kernel's OOM killer). */
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** The last 2,000 characters of standard error. */
  stderrTail: string;
  /** How the peak RSS was read. */
  rssMethod: 'gnu-time' | 'proc-poll';
}

const GNU_TIME = '/usr/bin/time';

export async function measureCommand(cmd: string, args: string[], opts: { timeoutMs: number; cwd?: string; env?: NodeJS.ProcessEnv }): Promise<Measured> {
  const useTime = existsSync(GNU_TIME);
  const scratch = mkdtempSync(path.join(tmpdir(), 'bulwark-measure-'));
  const timeFile = path.join(scratch, 'time.txt');
  const [file, argv] = useTime ? [GNU_TIME, ['-f', '%M', '-o', timeFile, cmd, ...args]] : [cmd, args];
  const started = process.hrtime.bigint();
  // detached: the child leads its own process group, so the time limit kills the command under GNU time too.
  const child = spawn(file, argv, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    stderr = (stderr + d).slice(-2000);
  });
  let polledKb = 0;
  const poll = useTime
    ? null
    : setInterval(() => {
        try {
          const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (m) polledKb = Math.max(polledKb, Number(m[1]));
        } catch {
          // the process has exited between two polls
        }
      }, 100);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, opts.timeoutMs);
  const { code, signal } = await new Promise<{ code: number | null; signal: string | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c, s) => resolve({ code: c, signal: s }));
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearTimeout(timer);
  if (poll) clearInterval(poll);
  let peakKb: number | null = polledKb || null;
  let exitCode = code;
  let sig = signal;
  if (useTime) {
    // GNU time prints "Command exited with non-zero status N" or "Command terminated by signal N" before the figure.
    const text = existsSync(timeFile) ? readFileSync(timeFile, 'utf8') : '';
    const last = text.trim().split('\n').pop() ?? '';
    peakKb = /^\d+$/.test(last) ? Number(last) : null;
    const bySignal = /terminated by signal (\d+)/.exec(text);
    if (bySignal) {
      exitCode = null;
      sig = `signal ${bySignal[1]}`;
    }
  }
  rmSync(scratch, { recursive: true, force: true });
  return {
    seconds,
    peakRssMb: peakKb === null ? null : peakKb / 1024,
    exitCode: timedOut ? null : exitCode,
    signal: timedOut ? 'SIGKILL (time limit)' : sig,
    timedOut,
    stderrTail: stderr,
    rssMethod: useTime ? 'gnu-time' : 'proc-poll',
  };
}
