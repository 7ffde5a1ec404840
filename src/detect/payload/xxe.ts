import type { InspectedValue } from '../types.js';
import { CHAR, type PayloadDetector, type PayloadMatch } from './detector.js';

/**
 * XML external entities: a document type declaration that defines entities read from a URL or file
 * (`<!ENTITY x SYSTEM "file:///etc/passwd">`), parameter entities (the out-of-band variant), an external DTD,
 * XInclude, or a nest of internal entities expanding exponentially ("billion laughs"). Plain XML, with or
 * without a `<!DOCTYPE html>`, does not fire.
 */

export const XXE_DOCTYPE = /<!DOCTYPE\s{1,16}[^\s[>]{1,100}/i;
export const XXE_EXTERNAL_ENTITY = /<!ENTITY\s{1,16}(?:%\s{1,16})?[^\s>]{1,100}\s{1,16}(?:SYSTEM|PUBLIC)\s{1,16}["']/i;
export const XXE_PARAMETER_ENTITY = /<!ENTITY\s{1,16}%\s{1,16}[^\s>]{1,100}/i;
export const XXE_EXTERNAL_DTD = /<!DOCTYPE\s{1,16}[^\s[>]{1,100}\s{1,16}(?:SYSTEM|PUBLIC)\s{1,16}["']/i;
export const W3C_PUBLIC = /PUBLIC\s{1,16}["']-\/\/(?:W3C|IETF|OASIS)\/\//i;
export const XXE_INTERNAL_ENTITY = /<!ENTITY\s{1,16}[^\s>%]{1,100}\s{1,16}["']/gi;
export const XXE_XINCLUDE = /<xi:include\b|xmlns:xi\s{0,4}=\s{0,4}["']http:\/\/www\.w3\.org\/2001\/XInclude/i;

export const XXE_EXTERNAL_ENTITY_DETECTOR: PayloadDetector = {
  id: 'xxe-external-entity',
  title: 'XML external entity injection',
  category: 'xxe',
  severity: 'high',
  owasp: 'API8:2023',
  cwe: 'CWE-611',
  mitre: 'T1190',
  rationale:
    'XML parsers that resolve external entities read local files, make requests from the server (SSRF, including to cloud metadata) and, with parameter entities, send the data out of band. Nested internal entities expand to gigabytes from a few hundred bytes. API clients that send XML (SOAP, SAML, SVG and office-file uploads, RSS imports) have no need for a DTD.',
  remediation:
    'Disable DTDs and external entity resolution in every XML parser (`disallow-doctype-decl`, `XMLConstants.FEATURE_SECURE_PROCESSING`, libxml2 without `NOENT`/`DTDLOAD`, defusedxml in Python); prefer JSON; reject documents with a DOCTYPE at the gateway.',
  gate: CHAR.LT,
  detect(v: InspectedValue): PayloadMatch | null {
    const s = v.value;
    if (s.indexOf('<!') < 0 && s.indexOf('<xi:') < 0 && s.indexOf('XInclude') < 0) return null;
    const ext = XXE_EXTERNAL_ENTITY.exec(s);
    if (ext) return { confidence: 0.95, fragment: s.slice(ext.index, ext.index + 160) };
    const par = XXE_PARAMETER_ENTITY.exec(s);
    if (par) return { confidence: 0.9, fragment: s.slice(par.index, par.index + 160) };
    const dtd = XXE_EXTERNAL_DTD.exec(s);
    // Standard public identifiers (`-//W3C//DTD SVG 1.1//EN`) name a well-known DTD parsers never fetch by default.
    if (dtd && !W3C_PUBLIC.test(s.slice(dtd.index, dtd.index + 300))) {
      const system = /SYSTEM/i.test(dtd[0]);
      return { confidence: system ? 0.8 : 0.6, fragment: s.slice(dtd.index, dtd.index + 160) };
    }
    const xi = XXE_XINCLUDE.exec(s);
    if (xi) return { confidence: 0.85, fragment: s.slice(xi.index, xi.index + 160) };
    const doctype = XXE_DOCTYPE.exec(s);
    if (doctype) {
      let entities = 0;
      for (const _ of s.matchAll(XXE_INTERNAL_ENTITY)) if (++entities >= 10) break;
      // Entity expansion ("billion laughs"): several entities referring to each other.
      if (entities >= 3) return { confidence: 0.8, fragment: s.slice(doctype.index, doctype.index + 160) };
      if (entities >= 1) return { confidence: 0.45, fragment: s.slice(doctype.index, doctype.index + 160) };
    }
    return null;
  },
};
