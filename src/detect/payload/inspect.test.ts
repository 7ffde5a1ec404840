import { describe, expect, it } from 'vitest';
import type { ApiRequest } from '../../contracts/api-event.js';
import { DEFAULT_INSPECT_LIMITS, inspectValues } from './inspect.js';

function req(over: Partial<ApiRequest>): ApiRequest {
  return { method: 'GET', scheme: 'https', host: 'api.example.com', path: '/', query: {}, headers: {}, cookies: {}, ...over };
}
const pairs = (r: ApiRequest) => inspectValues(r).map((v) => `${v.location}:${v.name}=${v.value}`);

describe('inspectValues', () => {
  it('decodes path segments one by one, and adds the whole path when it climbs', () => {
    expect(pairs(req({ path: '/users/%2527x/orders' }))).toEqual(["path:0=users", "path:1='x", 'path:2=orders']);
    expect(pairs(req({ path: '/static/../../etc/passwd' }))).toEqual([
      'path:0=static', 'path:1=..', 'path:2=..', 'path:3=etc', 'path:4=passwd', 'path:*=/static/../../etc/passwd',
    ]);
  });

  it('reads query values and, when they are not plain words, query names', () => {
    expect(pairs(req({ query: { id: ['1', '2'], 'user[$ne]': ['x'], q: ['%3Cb%3E'] } }))).toEqual([
      'query:id=1', 'query:id=2', 'query:user[$ne]=user[$ne]', 'query:user[$ne]=x', 'query:q=<b>',
    ]);
  });

  it('keeps duplicate cookies from the header and adds cookies listed elsewhere', () => {
    const r = req({ headers: { cookie: 'a=1; a=%27x; b="q"' }, cookies: { a: '1', c: '3' } });
    expect(pairs(r)).toEqual(['cookie:a=1', "cookie:a='x", 'cookie:b="q"', 'cookie:c=3']);
  });

  it('reads free-text and custom headers, skips credentials, framing and plain negotiation values', () => {
    const r = req({
      headers: {
        'user-agent': 'sqlmap/1.7',
        referer: 'https://example.com/',
        'x-forwarded-for': '10.0.0.1',
        'x-custom': 'abc',
        authorization: 'Bearer secret',
        host: 'api.example.com',
        'content-length': '10',
        accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8',
        'accept-encoding': 'gzip, deflate, br${jndi:ldap://x}',
        'sec-fetch-dest': 'document',
      },
    });
    expect(pairs(r)).toEqual([
      'header:user-agent=sqlmap/1.7',
      'header:referer=https://example.com/',
      'header:x-forwarded-for=10.0.0.1',
      'header:x-custom=abc',
      'header:accept-encoding=gzip, deflate, br${jndi:ldap://x}',
    ]);
  });

  it('reads urlencoded form bodies with + as space', () => {
    const r = req({ method: 'POST', body: { text: 'a=1+2&b=%27x&c%5B%24gt%5D=', contentType: 'application/x-www-form-urlencoded', encoding: 'utf8', size: 24, truncated: false } });
    expect(pairs(r)).toEqual(['body:a=1 2', "body:b='x", 'body:c[$gt]=c[$gt]']);
  });

  it('reads JSON string leaves by pointer, and keys that are not plain words', () => {
    const text = JSON.stringify({ user: { name: "O'Brien", pw: { $ne: null } }, tags: ['a', 1, true], 'a/b': 'x' });
    const r = req({ method: 'POST', body: { text, contentType: 'application/json', encoding: 'utf8', size: text.length, truncated: false } });
    expect(pairs(r)).toEqual(["body:/user/name=O'Brien", 'body:/user/pw/$ne=$ne', 'body:/tags/0=a', 'body:/a~1b=a/b', 'body:/a~1b=x']);
  });

  it('reads multipart text fields', () => {
    const text = '--XX\r\nContent-Disposition: form-data; name="title"\r\n\r\nhello\r\n--XX\r\nContent-Disposition: form-data; name="q"\r\n\r\n1 OR 1=1\r\n--XX--\r\n';
    const r = req({ method: 'POST', body: { text, contentType: 'multipart/form-data; boundary=XX', encoding: 'utf8', size: text.length, truncated: false } });
    expect(pairs(r)).toEqual(['body:title=hello', 'body:q=1 OR 1=1']);
  });

  it('keeps XML, text and unparsable JSON whole, and decodes base64 bodies', () => {
    const xml = '<a><!DOCTYPE x></a>';
    expect(pairs(req({ body: { text: xml, contentType: 'application/xml', encoding: 'utf8', size: 19, truncated: false } }))).toEqual([`body-raw:=${xml}`]);
    expect(pairs(req({ body: { text: '{"a":', contentType: 'application/json', encoding: 'utf8', size: 5, truncated: false } }))).toEqual(['body-raw:={"a":']);
    const b64 = Buffer.from('{"q":"x"}').toString('base64');
    expect(pairs(req({ body: { text: b64, contentType: 'application/json', encoding: 'base64', size: 9, truncated: false } }))).toEqual(['body:/q=x']);
  });

  it('bounds the number of values, their length and the JSON depth', () => {
    const many: Record<string, string[]> = {};
    for (let i = 0; i < 1000; i++) many[`p${i}`] = ['v'];
    expect(inspectValues(req({ query: many })).length).toBe(DEFAULT_INSPECT_LIMITS.maxValues);
    const long = inspectValues(req({ query: { q: ['x'.repeat(100_000)] } }));
    expect(long[0]!.value.length).toBe(DEFAULT_INSPECT_LIMITS.maxChars);
    const text = `${'{"k":'.repeat(10_000)}"leaf"${'}'.repeat(10_000)}`;
    expect(inspectValues(req({ body: { text, contentType: 'application/json', encoding: 'utf8', size: text.length, truncated: false } }))).toEqual([]);
  });
});
