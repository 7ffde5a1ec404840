import type { DetectorInfo } from '../types.js';

/**
 * The learned positive model's detectors, as records (rules as data). One scorer produces all three; the
 * records carry what a finding needs (OWASP, CWE, ATT&CK) and what docs/detection.md explains.
 */

export const PARAMETER_PROFILE: DetectorInfo = Object.freeze({
  id: 'anomaly-parameter-profile',
  title: 'Parameter value departs from its learned profile',
  category: 'anomaly',
  severity: 'medium',
  owasp: 'API8:2023',
  cwe: 'CWE-20',
  mitre: 'T1190',
  rationale:
    'A value whose type, length or characters the parameter never had in the learned baseline (quotes, angle brackets or semicolons in a numeric field, ' +
    'a 400-character quantity, an unknown value of a small fixed set, a required parameter left out) is how injection, overflow and ' +
    'tampering attempts look to an application, including those no signature knows.',
  remediation:
    'Validate the parameter on the server against the type, length and character set it is meant to have (an OpenAPI schema with ' +
    'type, maxLength, pattern or enum makes this explicit), and reject what does not fit. If the new values are legitimate, relearn the baseline.',
});

export const UNKNOWN_PARAMETER: DetectorInfo = Object.freeze({
  id: 'anomaly-unknown-parameter',
  title: 'Parameter never seen on this endpoint',
  category: 'anomaly',
  severity: 'low',
  owasp: 'API3:2023',
  cwe: 'CWE-915',
  mitre: 'T1190',
  rationale:
    'A parameter, body field, cookie or header name the endpoint (or host) never received in the learned baseline: mass assignment ' +
    '(`isAdmin=true`), debug switches, injected cookies and probing for hidden inputs look like this.',
  remediation:
    'Make the endpoint ignore or reject fields it does not define (an allow-list, `additionalProperties: false` in its schema); ' +
    'never bind request fields to internal objects wholesale.',
});

export const UNKNOWN_ENDPOINT: DetectorInfo = Object.freeze({
  id: 'anomaly-unknown-endpoint',
  title: 'Request to a path or method never seen on this host',
  category: 'anomaly',
  severity: 'low',
  owasp: 'API9:2023',
  cwe: 'CWE-425',
  mitre: 'T1595.003',
  rationale:
    'A path (or method) that no request in the learned baseline used, on a host whose endpoint set was stable while learning: forced ' +
    'browsing for backups (`index.jsp.bak`), admin pages and files, path traversal that changes the path shape, or a new, undocumented endpoint.',
  remediation:
    'Serve only the routes the API defines and answer others with 404; remove backup and temporary files from the web root. ' +
    'If the endpoint is new and legitimate, add it to the inventory and relearn.',
});

export const PROFILE_DETECTORS: readonly DetectorInfo[] = Object.freeze([PARAMETER_PROFILE, UNKNOWN_PARAMETER, UNKNOWN_ENDPOINT]);
