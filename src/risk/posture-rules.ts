import type { Endpoint } from '../contracts/endpoint.js';
import type { Severity } from '../contracts/finding.js';
import type { DataCategory, Sensitivity } from '../contracts/data-class.js';
import { isCredentialClass } from '../classify/registry.js';

export interface ClassInfo {
  title: string;
  category: DataCategory;
  sensitivity: Sensitivity;
}

/** What a posture rule sees: the endpoint as discovered and its signal counters. No I/O. */
export interface PostureContext {
  endpoint: Endpoint;
  signals: Readonly<Record<string, number>>;
  classInfo(id: string): ClassInfo;
}

/** One problem a rule found. `signals` are the counter keys whose counts are its occurrences. */
export interface FindingDraft {
  discriminator: string;
  summary: string;
  location?: string;
  severity?: Severity;
  signals: string[];
}

/** The declarative part every rule of a finding family shares (posture, conformance). */
export interface RuleInfo {
  id: string;
  title: string;
  severity: Severity;
  owasp: string;
  cwe: string;
  tags: string[];
  rationale: string;
  remediation: string;
}

/**
 * A posture rule: a declarative record plus a pure function. Ids are stable (`posture-…`); docs live in
 * `docs/rules/<id>.md`; the meta-test checks both.
 */
export interface PostureRule extends RuleInfo {
  evaluate(ctx: PostureContext): FindingDraft[];
}

function signalsWithPrefix(signals: Readonly<Record<string, number>>, prefix: string): string[] {
  return Object.keys(signals).filter((k) => k.startsWith(prefix) && signals[k]! > 0).sort();
}

/** One finding as soon as signal `key` has occurred. */
function onSignal(key: string, summary: string, location: string): PostureRule['evaluate'] {
  return ({ signals }) => (signals[key] ? [{ discriminator: key, summary, location, signals: [key] }] : []);
}

/** One finding over every signal `<prefix>:<detail>`, its summary naming the details. */
function onSignalFamily(prefix: string, discriminator: string, location: string, summary: (details: string[]) => string): PostureRule['evaluate'] {
  return ({ signals }) => {
    const keys = signalsWithPrefix(signals, `${prefix}:`);
    return keys.length ? [{ discriminator, summary: summary(keys.map((k) => k.slice(prefix.length + 1))), location, signals: keys }] : [];
  };
}

const SEVERITY_FOR_SENSITIVITY: Record<Sensitivity, Severity> = { low: 'low', medium: 'medium', high: 'high', critical: 'critical' };

export const POSTURE_RULES: readonly PostureRule[] = [
  {
    id: 'posture-unauthenticated-sensitive-data',
    title: 'Unauthenticated endpoint returns sensitive data',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 'CWE-306',
    tags: ['authentication', 'data-exposure'],
    rationale: 'Responses to calls without any credential carried personal or financial data: anyone who finds the endpoint can read it.',
    remediation: 'Require authentication on this endpoint (and authorise each object it returns), or stop returning the sensitive fields to anonymous callers.',
    evaluate({ signals, classInfo }) {
      const keys = signalsWithPrefix(signals, 'unauth-response:');
      if (!keys.length) return [];
      const classes = keys.map((k) => k.slice('unauth-response:'.length));
      const critical = classes.some((c) => classInfo(c).sensitivity === 'critical' || classInfo(c).category === 'financial');
      return [
        {
          discriminator: 'unauth-response',
          summary: `responses to unauthenticated calls contain ${classes.map((c) => classInfo(c).title).join(', ')}`,
          location: 'response body',
          severity: critical ? 'critical' : 'high',
          signals: keys,
        },
      ];
    },
  },
  {
    id: 'posture-credentials-in-url',
    title: 'Credentials in the URL',
    severity: 'high',
    owasp: 'API2:2023',
    cwe: 'CWE-598',
    tags: ['authentication', 'credentials'],
    rationale: 'URLs end up in proxy, server and browser logs, in Referer headers and in history: a credential in the path or query string leaks with them.',
    remediation: 'Send credentials in the Authorization header (or a dedicated header) and reject them in the query string; rotate the credentials that were sent this way.',
    evaluate({ signals }) {
      return signalsWithPrefix(signals, 'in-url:')
        .filter((k) => isCredentialClass(k.split(':')[1]!))
        .map((k) => {
          const [, cls, loc, ...name] = k.split(':');
          return { discriminator: k, summary: `${cls} sent in ${loc} parameter "${name.join(':')}"`, location: `request ${loc} ${name.join(':')}`, signals: [k] };
        });
    },
  },
  {
    id: 'posture-sensitive-data-in-url',
    title: 'Personal or financial data in the URL',
    severity: 'medium',
    owasp: 'API3:2023',
    cwe: 'CWE-598',
    tags: ['data-exposure', 'privacy'],
    rationale: 'Values in the path or query string are logged by every proxy and server on the way and kept in browser history.',
    remediation: 'Move the value into the request body (POST) or refer to it by an opaque id; purge logs that hold it.',
    evaluate({ signals, classInfo }) {
      return signalsWithPrefix(signals, 'in-url:')
        .filter((k) => !isCredentialClass(k.split(':')[1]!))
        .map((k) => {
          const [, cls, loc, ...name] = k.split(':');
          const info = classInfo(cls!);
          return {
            discriminator: k,
            summary: `${info.title} sent in ${loc} parameter "${name.join(':')}"`,
            location: `request ${loc} ${name.join(':')}`,
            severity: info.sensitivity === 'low' ? 'low' : info.sensitivity === 'medium' ? 'medium' : 'high',
            signals: [k],
          };
        });
    },
  },
  {
    id: 'posture-credentials-over-plain-http',
    title: 'Credentials sent over plain HTTP',
    severity: 'high',
    owasp: 'API8:2023',
    cwe: 'CWE-319',
    tags: ['encryption', 'credentials'],
    rationale: 'Without TLS, anyone on the network path can read and replay the credential.',
    remediation: 'Serve the API over HTTPS only (redirect or refuse plain HTTP, send HSTS), then rotate the credentials that crossed in clear text.',
    evaluate: onSignalFamily('credentials-over-http', 'credentials-over-http', 'request', (kinds) => `credentials (${kinds.join(', ')}) sent without TLS`),
  },
  {
    id: 'posture-jwt-alg-none',
    title: "JWT with algorithm 'none'",
    severity: 'critical',
    owasp: 'API2:2023',
    cwe: 'CWE-347',
    tags: ['authentication', 'jwt'],
    rationale: "An unsigned token (alg 'none') can be forged by anyone; when the API accepts it, authentication is void.",
    remediation: "Verify every JWT with an explicit allow-list of algorithms (never 'none') and a key bound to the issuer.",
    evaluate: onSignal('jwt-alg-none', "requests carry JWTs with alg 'none'", 'request header authorization'),
  },
  {
    id: 'posture-jwt-without-expiry',
    title: 'JWT without expiry',
    severity: 'medium',
    owasp: 'API2:2023',
    cwe: 'CWE-613',
    tags: ['authentication', 'jwt'],
    rationale: 'A token without `exp` stays valid forever: a leaked token cannot age out.',
    remediation: 'Issue tokens with a short `exp` (minutes to hours), refresh them, and reject tokens without `exp`.',
    evaluate: onSignal('jwt-no-exp', 'requests carry JWTs without an exp claim', 'request credential'),
  },
  {
    id: 'posture-basic-auth',
    title: 'HTTP Basic authentication',
    severity: 'medium',
    owasp: 'API2:2023',
    cwe: 'CWE-522',
    tags: ['authentication'],
    rationale: 'Basic authentication sends a reusable password with every request; it has no expiry, scope or replay protection.',
    remediation: 'Replace Basic authentication with short-lived tokens (OAuth 2.0 client credentials, signed JWTs) or mutual TLS.',
    evaluate: onSignal('basic-auth', 'requests authenticate with HTTP Basic', 'request header authorization'),
  },
  {
    id: 'posture-verbose-errors',
    title: 'Stack traces or raw errors in responses',
    severity: 'medium',
    owasp: 'API8:2023',
    cwe: 'CWE-209',
    tags: ['misconfiguration', 'information-disclosure'],
    rationale: 'Stack traces and database errors reveal frameworks, file paths, queries and versions that guide an attacker.',
    remediation: 'Return a generic error body with a correlation id; log the details server-side only.',
    evaluate: onSignalFamily('stack-trace', 'stack-trace', 'response body', (langs) => `responses contain ${langs.join(', ')} stack traces or raw errors`),
  },
  {
    id: 'posture-missing-security-headers',
    title: 'Missing security headers',
    severity: 'low',
    owasp: 'API8:2023',
    cwe: 'CWE-693',
    tags: ['misconfiguration', 'headers'],
    rationale: 'Without HSTS a client can be downgraded to plain HTTP; without `X-Content-Type-Options: nosniff` a browser may sniff a response into script.',
    remediation: 'Send `Strict-Transport-Security` on HTTPS responses and `X-Content-Type-Options: nosniff` on every response with a body (usually at the gateway).',
    evaluate({ signals, endpoint }) {
      const keys = signalsWithPrefix(signals, 'missing-header:');
      // A header missing on a handful of calls out of many is noise (e.g. a proxy's own error page).
      const relevant = keys.filter((k) => signals[k]! >= Math.max(1, endpoint.calls * 0.05));
      return relevant.length
        ? [{ discriminator: 'missing-headers', summary: `responses lack ${relevant.map((k) => k.split(':')[1]).join(', ')}`, location: 'response headers', signals: relevant }]
        : [];
    },
  },
  {
    id: 'posture-cors-credentials-any-origin',
    title: 'CORS allows credentials from any origin',
    severity: 'high',
    owasp: 'API8:2023',
    cwe: 'CWE-942',
    tags: ['misconfiguration', 'cors'],
    rationale: 'A wildcard, reflected or `null` Access-Control-Allow-Origin together with Allow-Credentials lets any web page make authenticated calls and read the answers.',
    remediation: 'Allow credentials only for an explicit list of trusted origins; never reflect the Origin header or use `*`/`null` with credentials.',
    evaluate: onSignalFamily('cors-credentials', 'cors-credentials', 'response headers', (kinds) => `Access-Control-Allow-Credentials with ${kinds.join(', ')} origin`),
  },
];
