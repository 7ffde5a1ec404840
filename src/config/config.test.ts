import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from './config.js';
import { DomainError } from '../errors/domain-errors.js';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'bulwark-config-'));

describe('loadConfig', () => {
  it('defaults are the safe ones: loopback, embedded store under ./.bulwark', () => {
    const c = loadConfig({ env: {} });
    expect(c.server.host).toBe('127.0.0.1');
    expect(c.store.path).toBe(path.join('.bulwark', 'bulwark.db'));
    expect(c.ingest.maxBodyBytes).toBe(64 * 1024);
    expect(c.risk.weights.internetExposed).toBeGreaterThan(0);
  });

  it('reads a YAML file, then environment variables win', () => {
    const dir = tmp();
    const file = path.join(dir, 'bulwark.yaml');
    writeFileSync(file, 'server:\n  port: 9000\nrisk:\n  weights:\n    undocumented: 0\n');
    const c = loadConfig({ file, env: { BULWARK_PORT: '9100', BULWARK_DATA_DIR: dir } });
    expect(c.server.port).toBe(9100);
    expect(c.risk.weights.undocumented).toBe(0);
    expect(c.risk.weights.plainHttp).toBe(1.5);
    expect(c.store.path).toBe(path.join(dir, 'bulwark.db'));
  });

  it('merges programmatic overrides into the file settings key by key', () => {
    const dir = tmp();
    const file = path.join(dir, 'bulwark.yaml');
    writeFileSync(file, 'discovery:\n  analyseEvery: 7\n');
    const c = loadConfig({ file, env: {}, overrides: { discovery: { trustedProxies: ['10.0.0.5/32'] } } });
    expect(c.discovery.analyseEvery).toBe(7);
    expect(c.discovery.trustedProxies).toEqual(['10.0.0.5/32']);
  });

  it('is frozen', () => {
    const c = loadConfig({ env: {} });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.server)).toBe(true);
  });

  it.each([
    ['server:\n  port: 70000\n', /server\.port/],
    ['dataClasses:\n  - id: ssn\n    title: x\n    category: pii\n    sensitivity: high\n    keyPattern: x\n', /dataClasses\.0\.id/],
    ['discovery:\n  analyseEvery: 0\n', /discovery\.analyseEvery/],
    ['server: [1, 2\n', /not valid YAML/],
  ])('rejects bad config %j with the path of the problem', (text, message) => {
    const file = path.join(tmp(), 'bad.yaml');
    writeFileSync(file, text);
    expect(() => loadConfig({ file, env: {} })).toThrow(message);
    try {
      loadConfig({ file, env: {} });
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe('invalid_input');
    }
  });

  it('identity defaults are the issue\'s: 30 min idle, 12 h sessions, 5 failures lock for 15 min', () => {
    expect(loadConfig({ env: {} }).identity).toEqual({
      sessionIdleMinutes: 30,
      sessionMaxHours: 12,
      maxSessionsPerUser: 10,
      lockoutThreshold: 5,
      lockoutMinutes: 15,
      loginAttemptsPerMinute: 10,
      loginTrackedAddresses: 10_000,
      invitationHours: 72,
      passwordResetHours: 24,
    });
  });

  it.each([
    ['identity:\n  lockoutThreshold: 0\n', /identity\.lockoutThreshold/],
    ['identity:\n  sessionIdleMinutes: -1\n', /identity\.sessionIdleMinutes/],
    ['identity:\n  loginTrackedAddresses: 10\n', /identity\.loginTrackedAddresses/],
  ])('rejects unsafe identity settings %j', (text, message) => {
    const file = path.join(tmp(), 'bad.yaml');
    writeFileSync(file, text);
    expect(() => loadConfig({ file, env: {} })).toThrow(message);
  });

  it('takes identity settings from the file, key by key', () => {
    const file = path.join(tmp(), 'bulwark.yaml');
    writeFileSync(file, 'identity:\n  lockoutMinutes: 60\n');
    const c = loadConfig({ file, env: {} });
    expect(c.identity.lockoutMinutes).toBe(60);
    expect(c.identity.lockoutThreshold).toBe(5);
  });

  it('specs.watch: none by default; paths or entries from the file; BULWARK_SPECS_WATCH (a PATH-like list) replaces them', () => {
    expect(loadConfig({ env: {} }).specs).toEqual({ watch: [], watchIntervalMs: 2000, watchSettleMs: 1000, watchMaxFiles: 200 });
    const file = path.join(tmp(), 'bulwark.yaml');
    writeFileSync(file, 'specs:\n  watch:\n    - api/\n    - path: shop.yaml\n      name: Shop\n      hosts: [API.Shop.example]\n      application: app-shop\n  watchIntervalMs: 500\n');
    const c = loadConfig({ file, env: {} });
    expect(c.specs.watch).toEqual([{ path: 'api/' }, { path: 'shop.yaml', name: 'Shop', hosts: ['api.shop.example'], application: 'app-shop' }]);
    expect(c.specs.watchIntervalMs).toBe(500);
    const fromEnv = loadConfig({ file, env: { BULWARK_SPECS_WATCH: ['a.yaml', '', '/srv/specs'].join(path.delimiter) } });
    expect(fromEnv.specs.watch).toEqual([{ path: 'a.yaml' }, { path: '/srv/specs' }]);
    expect(fromEnv.specs.watchIntervalMs).toBe(500);
  });

  it.each([
    ['specs:\n  watch:\n    - path: a.yaml\n      specId: spec_1\n    - path: b.yaml\n      specId: spec_1\n', /specs\.watch\.1\.specId: two watched files cannot feed one spec/],
    ['specs:\n  watch:\n    - path: a.yaml\n      hosts: ["https://x/"]\n', /specs\.watch\.0/],
    ['specs:\n  watch:\n    - path: a.yaml\n      spec: x\n', /specs\.watch\.0/],
    ['specs:\n  watch:\n    - ""\n', /specs\.watch\.0/],
    ['specs:\n  watchIntervalMs: 10\n', /specs\.watchIntervalMs/],
  ])('rejects a bad specs.watch setting %j', (text, message) => {
    const file = path.join(tmp(), 'bad.yaml');
    writeFileSync(file, text);
    expect(() => loadConfig({ file, env: {} })).toThrow(message);
  });

  it('a missing config file is a clear error', () => {
    expect(() => loadConfig({ file: '/nonexistent/bulwark.yaml', env: {} })).toThrow(/cannot be read/);
  });
});
