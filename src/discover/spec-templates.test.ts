import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSpecTemplates } from './spec-templates.js';
import { createPathTemplater } from './path-templater.js';

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'petstore.yaml');

describe('loadSpecTemplates', () => {
  it('reads templates per server host with the base path', () => {
    const [spec] = loadSpecTemplates(fixture);
    expect(spec?.host).toBe('pets.example.com');
    expect(spec?.templates).toContainEqual({ method: 'GET', path: '/v1/pets/{petId}' });
    expect(spec?.templates).toContainEqual({ method: 'POST', path: '/v1/pets' });
  });

  it('spec templates win over learning: the first call is already templated', () => {
    const t = createPathTemplater();
    for (const s of loadSpecTemplates(fixture)) t.addKnownTemplates(s.host, s.templates);
    const m = t.observe('pets.example.com', 'GET', '/v1/pets/rex');
    expect(m.template).toBe('/v1/pets/{petId}');
    expect(m.origin).toBe('spec');
    expect(t.observe('pets.example.com', 'GET', '/v1/pets/mine').template).toBe('/v1/pets/mine');
  });

  it.each([
    ['not-openapi.json', '{"hello": 1}', /no paths object/],
    ['broken.yaml', 'paths: [', /cannot be read/],
    ['no-server.yaml', 'openapi: 3.0.0\npaths: {}\n', /names no absolute server URL/],
  ])('rejects %s with a clear reason', (name, text, message) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'bulwark-spec-')), name);
    writeFileSync(file, text);
    expect(() => loadSpecTemplates(file)).toThrow(message);
  });
});
