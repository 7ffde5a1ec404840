import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { ExportsConfig, isLoopbackHost } from './config.js';

const SECRET = 'whsec_0123456789abcdef';

/** The first problem zod reports, as `path: message`, or 'ok'. */
function check(input: unknown): string {
  const r = ExportsConfig.safeParse(input);
  if (r.success) return 'ok';
  const issue = r.error.issues[0];
  return `${issue?.path.join('.')}: ${issue?.message}`;
}

describe('ExportsConfig', () => {
  it('is all off by default', () => {
    expect(ExportsConfig.parse({})).toEqual({ webhooks: [], syslog: [], jsonl: [], closeTimeoutMs: 10_000 });
  });

  it('fills safe defaults for each sink', () => {
    const c = ExportsConfig.parse({
      webhooks: [{ url: 'https://soar.example.com/hook', secretEnv: 'HOOK_SECRET' }],
      syslog: [{ host: 'siem.example.com' }, { host: 'siem.example.com', protocol: 'udp' }, { host: 'siem.example.com', protocol: 'tls', facility: 'local0' }],
      jsonl: [{ path: 'issues.jsonl' }],
    });
    expect(c.webhooks[0]).toMatchObject({ minSeverity: 'medium', includeExchange: false, allowInsecureHttp: false, maxRetries: 3, timeoutMs: 5000, queueSize: 1000 });
    expect(c.syslog[0]).toMatchObject({ protocol: 'tcp', port: 514, format: 'rfc5424', framing: 'octet-counting', facility: 20, appName: 'bulwark', maxMessageBytes: 8192, minSeverity: 'medium' });
    expect(c.syslog[1]).toMatchObject({ protocol: 'udp', port: 514, maxMessageBytes: 2048 });
    expect(c.syslog[2]).toMatchObject({ protocol: 'tls', port: 6514, facility: 16 });
    expect(c.jsonl[0]).toMatchObject({ maxBytes: 100 * 1024 * 1024, includeExchange: false, minSeverity: 'medium' });
  });

  it.each([
    ['an https webhook with an inline secret', { webhooks: [{ url: 'https://h.example.com/x', secret: SECRET }] }, 'ok'],
    ['http to loopback', { webhooks: [{ url: 'http://127.0.0.1:9000/x', secret: SECRET }] }, 'ok'],
    ['http to [::1]', { webhooks: [{ url: 'http://[::1]:9000/x', secret: SECRET }] }, 'ok'],
    ['http elsewhere when allowed', { webhooks: [{ url: 'http://h.example.com/x', secret: SECRET, allowInsecureHttp: true }] }, 'ok'],
    ['http elsewhere', { webhooks: [{ url: 'http://h.example.com/x', secret: SECRET }] }, 'webhooks.0.url: plain http to a host other than loopback needs allowInsecureHttp: true (use https)'],
    ['another scheme', { webhooks: [{ url: 'ftp://h.example.com/x', secret: SECRET }] }, 'webhooks.0.url: a webhook URL must be http or https'],
    ['credentials in the URL', { webhooks: [{ url: 'https://u:p@h.example.com/x', secret: SECRET }] }, 'webhooks.0.url: put no credentials in a webhook URL: deliveries are authenticated by their HMAC signature'],
    ['no secret', { webhooks: [{ url: 'https://h.example.com/x' }] }, 'webhooks.0.secret: a webhook needs exactly one of secret and secretEnv'],
    ['both secret and secretEnv', { webhooks: [{ url: 'https://h.example.com/x', secret: SECRET, secretEnv: 'X' }] }, 'webhooks.0.secret: a webhook needs exactly one of secret and secretEnv'],
    ['a short secret', { webhooks: [{ url: 'https://h.example.com/x', secret: 'short' }] }, 'webhooks.0.secret: Too small: expected string to have >=16 characters'],
    ['a bad env name', { webhooks: [{ url: 'https://h.example.com/x', secretEnv: 'A-B' }] }, 'webhooks.0.secretEnv: an environment variable name'],
    ['an unknown key', { webhooks: [{ url: 'https://h.example.com/x', secret: SECRET, verify: false }] }, 'webhooks.0: Unrecognized key: "verify"'],
    ['tls options without tls', { syslog: [{ host: 'h', tls: { caFile: 'ca.pem' } }] }, 'syslog.0.tls: tls options need protocol: tls'],
    ['a facility out of range', { syslog: [{ host: 'h', facility: 24 }] }, 'syslog.0.facility: Too big: expected number to be <=23'],
    ['an app name with a space', { syslog: [{ host: 'h', appName: 'bul wark' }] }, 'syslog.0.appName: printable US-ASCII without spaces'],
    ['a tiny jsonl maxBytes', { jsonl: [{ path: 'x', maxBytes: 10 }] }, 'jsonl.0.maxBytes: Too small: expected number to be >=1024'],
    ['two sinks with one name', { jsonl: [{ path: 'a', name: 'n' }], syslog: [{ host: 'h', name: 'n' }] }, 'jsonl.0.name: two export sinks are named n'],
  ])('%s', (_name, input, expected) => {
    expect(check(input)).toBe(expected);
  });
});

describe('the exports section of bulwark.config.yaml', () => {
  /** Loads `yaml` as the config file, as `bulwark serve --config` does. */
  function load(yaml: string) {
    const dir = mkdtempSync(path.join(tmpdir(), 'bulwark-exports-config-'));
    try {
      const file = path.join(dir, 'bulwark.config.yaml');
      writeFileSync(file, yaml);
      return loadConfig({ file, env: {} });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('is off when absent', () => {
    expect(load('log: { level: warn }\n').exports).toEqual({ webhooks: [], syslog: [], jsonl: [], closeTimeoutMs: 10_000 });
  });

  it('reads every sink kind from YAML', () => {
    const { exports } = load(
      ['exports:', '  webhooks: [{ url: "https://h.example.com/x", secretEnv: HOOK }]', '  syslog: [{ host: siem.example.com, protocol: tls, format: cef }]', '  jsonl: [{ path: issues.jsonl }]'].join('\n'),
    );
    expect(exports.webhooks[0]?.secretEnv).toBe('HOOK');
    expect(exports.syslog[0]).toMatchObject({ port: 6514, format: 'cef' });
    expect(exports.jsonl[0]?.path).toBe('issues.jsonl');
  });

  it('names the bad key when a sink is wrong', () => {
    expect(() => load('exports:\n  webhooks: [{ url: "http://h.example.com/x", secret: whsec_0123456789abcdef }]\n')).toThrow(
      'invalid configuration at exports.webhooks.0.url: plain http to a host other than loopback needs allowInsecureHttp: true (use https)',
    );
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['api.localhost', true],
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['[::1]', true],
    ['::1', true],
    ['128.0.0.1', false],
    ['127.example.com', false],
    ['10.0.0.1', false],
    ['example.com', false],
  ])('%s -> %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});
