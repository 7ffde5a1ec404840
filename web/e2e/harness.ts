/**
 * The browser tests' shared harness: the real `bulwark demo` started as a user would, and Debian's
 * Chromium with the flags this machine needs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

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


/** Waits for the page's title (its one `h1`) to read `name`. */
export async function titled(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name, exact: typeof name === 'string' }).waitFor();
}

/**
 * A browser session's helpers for a test file: pages that record every uncaught error, console error and
 * CSP violation into `problems`, sign-in as a demo account, and full-page screenshots into `shots`.
 */
export interface ConsoleBrowser {
  /** Uncaught page errors and console errors, across every page opened. */
  problems: string[];
  newPage(viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }>;
  signIn(page: Page, role: string): Promise<void>;
  /** Waits for the page's data (no loading indicator left), then saves a full-page screenshot as `<name>.png`. */
  shot(page: Page, name: string): Promise<void>;
  /** GET on the API with the demo's admin token, for what the test then checks in the page. */
  api<T>(route: string): Promise<T>;
  /**
   * Signs in as `role` on an 800 px wide screen, opens each `[name, route]` (saving `narrow-<name>.png`)
   * and returns how many pixels each page scrolls sideways: 0 when it fits.
   */
  sidewaysScroll(role: string, routes: ReadonlyArray<readonly [string, string]>): Promise<Record<string, number>>;
}

/** The narrow screen of `sidewaysScroll`: a small laptop window, a tablet. */
const NARROW_SCREEN = { width: 800, height: 900 };

/** What the browser helpers need of a running Bulwark: the demo, or a server a test file started itself. */
export type ConsoleServer = Pick<Demo, 'url' | 'token' | 'accounts'>;

export function consoleBrowser(browser: Browser, demo: ConsoleServer, shots: string): ConsoleBrowser {
  const problems: string[] = [];
  const helpers: ConsoleBrowser = {
    problems,
    async newPage(viewport = { width: 1280, height: 800 }) {
      const context = await browser.newContext({ viewport, baseURL: demo.url });
      context.setDefaultTimeout(15_000);
      const page = await context.newPage();
      page.on('pageerror', (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
      page.on('console', (m) => {
        // A 401/404 from the API is an expected answer that the page shows; the browser logs it as an error.
        if (m.type() === 'error' && !/status of (401|404)/.test(m.text())) problems.push(`console error on ${page.url()}: ${m.text()}`);
      });
      return { context, page };
    },
    async signIn(page, role) {
      const a = demo.accounts.get(role);
      if (!a) throw new Error(`the demo printed no ${role} account`);
      await page.goto('/');
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await page.getByLabel('Email').fill(a.email);
      await page.getByLabel('Password').fill(a.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
    },
    async shot(page, name) {
      await page.waitForFunction(() => !document.querySelector('[aria-busy="true"], .loading'), undefined, { timeout: 15_000 });
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
    },
    async api<T>(route: string) {
      const res = await fetch(`${demo.url}/api/v1${route}`, { headers: { authorization: `Bearer ${demo.token}` } });
      if (!res.ok) throw new Error(`${route}: ${res.status}`);
      return (await res.json()) as T;
    },
    async sidewaysScroll(role, routes) {
      const { context, page } = await helpers.newPage(NARROW_SCREEN);
      try {
        await helpers.signIn(page, role);
        const out: Record<string, number> = {};
        for (const [name, route] of routes) {
          await page.goto(`/${route}`);
          await page.locator('main h1').first().waitFor();
          await helpers.shot(page, `narrow-${name}`);
          out[name] = Math.max(0, await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth));
        }
        return out;
      } finally {
        await context.close();
      }
    },
  };
  return helpers;
}

export interface ConsoleRun extends ConsoleBrowser {
  demo: Demo;
  browser: Browser;
  /** Closes the browser, stops the demo and removes its data directory. */
  tearDown(): Promise<void>;
}

/**
 * Everything a browser test file needs before its first test: Chromium and the built console checked
 * (missing, the tests fail rather than skip), `shots` emptied, the demo started in a fresh data directory
 * and Chromium launched, side by side.
 */
export async function startConsoleRun(shots: string): Promise<ConsoleRun> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: the console tests need a real browser. Install it with: apt-get install -y chromium`);
  }
  if (!existsSync(path.join(ROOT, 'dist', 'web', 'index.html')) || !existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) {
    throw new Error('the console is not built: run `npm run build` first (`npm test` does)');
  }
  rmSync(shots, { recursive: true, force: true });
  mkdirSync(shots, { recursive: true });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bulwark-e2e-'));
  const [started, launched] = await Promise.allSettled([startDemo(dataDir), chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, timeout: 30_000 })]);
  if (started.status === 'rejected' || launched.status === 'rejected') {
    // Leave nothing running behind a failed start.
    if (started.status === 'fulfilled') await started.value.stop();
    if (launched.status === 'fulfilled') await launched.value.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw started.status === 'rejected' ? started.reason : (launched as PromiseRejectedResult).reason;
  }
  const demo = started.value;
  const browser = launched.value;
  return {
    ...consoleBrowser(browser, demo, shots),
    demo,
    browser,
    async tearDown() {
      await browser.close();
      await demo.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
