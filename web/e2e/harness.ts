/**
 * The browser tests' shared harness: the real `bulwark demo` started as a user would, and Debian's
 * Chromium with the flags this machine needs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(ROOT, 'bin', 'bulwark.js');
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Account {
  role: string;
  email: string;
  password: string;
}

export interface Demo {
  child: ChildProcess;
  url: string;
  token: string;
  accounts: Map<string, Account>;
  stop(): Promise<void>;
}

/** Runs `bulwark demo` as a user would and reads the URL, the accounts and the API token it prints. */
export function startDemo(dataDir: string): Promise<Demo> {
  const child = spawn(process.execPath, [BIN, '--data-dir', dataDir, 'demo', '--events', '20000', '--port', '0'], {
    cwd: dataDir,
    env: { ...process.env, BULWARK_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await closed;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      void stop();
      reject(new Error(`bulwark demo was not serving within 90 s\nstdout: ${out}\nstderr: ${err}`));
    }, 90_000);
    void closed.then(() => {
      clearTimeout(deadline);
      reject(new Error(`bulwark demo exited early\nstdout: ${out}\nstderr: ${err}`));
    });
    const check = () => {
      if (!out.includes('Press Ctrl-C to stop.')) return;
      clearTimeout(deadline);
      const url = /serving the demo estate on (http:\/\/\S+)/.exec(out)?.[1];
      const token = /Admin API token \(shown once\): (\S+)/.exec(out)?.[1];
      const accounts = new Map<string, Account>();
      for (const m of out.matchAll(/^ {2}(\S+)\s+(\S+@northwind\.example)\s+(\S+)/gm)) accounts.set(m[1]!, { role: m[1]!, email: m[2]!, password: m[3]! });
      if (!url || !token || accounts.size !== 5) {
        void stop();
        reject(new Error(`could not read the demo's URL, token and five accounts\nstdout: ${out}`));
        return;
      }
      resolve({ child, url, token, accounts, stop });
    };
    child.stdout!.on('data', check);
  });
}

