import { isIP } from 'node:net';
import { z } from 'zod';
import { Severity } from '../../contracts/finding.js';

/**
 * Where issues go besides the console (issue 5): signed webhooks, syslog (RFC 5424 or CEF) for a SIEM,
 * and JSON lines files. Every sink is off until configured; see docs/exports.md.
 *
 * @example
 * exports:
 *   webhooks: [{ url: 'https://soar.example.com/hooks/bulwark', secretEnv: 'BULWARK_WEBHOOK_SECRET' }]
 *   syslog:   [{ host: 'siem.example.com', protocol: 'tls', format: 'cef', minSeverity: 'high' }]
 *   jsonl:    [{ path: '/var/log/bulwark/issues.jsonl' }]
 */

/** Syslog facilities by name (RFC 5424 §6.2.1); a number 0 to 23 is taken as is. */
export const SYSLOG_FACILITIES = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10,
  ftp: 11, ntp: 12, audit: 13, alert: 14, clock: 15,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
} as const;
type FacilityName = keyof typeof SYSLOG_FACILITIES;

/** An environment variable's name (the value, a secret, is read at start and never logged). */
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'an environment variable name');

/** RFC 5424 PRINTUSASCII (no spaces, no control characters). */
const PrintUsAscii = (max: number) => z.string().min(1).max(max).regex(/^[\x21-\x7e]+$/, 'printable US-ASCII without spaces');

/** What every sink has: a name for stats and logs, a severity floor, and its delivery bounds. */
const SinkBase = z.object({
  /** Names the sink in `stats()` and in logs (default: its place in the config, e.g. `webhooks[0]`). */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/).optional(),
  /** Issues below this severity are not sent to this sink. */
  minSeverity: Severity.default('medium'),
  /** Issues waiting to be sent; when full, the oldest is dropped (and counted). */
  queueSize: z.number().int().min(1).max(100_000).default(1000),
  /** Tries after the first one for a failed send (only for failures worth retrying). */
  maxRetries: z.number().int().min(0).max(10).default(3),
  /** First wait before a retry; each next one doubles (with jitter), at most 60 s. */
  retryBackoffMs: z.number().int().min(1).max(60_000).default(1000),
  /** One send (connect, write, answer) must finish within this time. */
  timeoutMs: z.number().int().min(100).max(120_000).default(5000),
});

/** Hosts that `http:` may reach without `allowInsecureHttp`: nothing leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '0:0:0:0:0:0:0:1';
}

const WebhookSink = SinkBase.extend({
  /** Where each issue is POSTed (http or https). Only the origin ever appears in logs. */
  url: z.url(),
  /** The HMAC-SHA256 key, inline (at least 16 characters)... */
  secret: z.string().min(16).max(1024).optional(),
  /** ...or the name of the environment variable that holds it (preferred: keeps it out of the file). */
  secretEnv: EnvName.optional(),
  /** Add the redacted triggering request and response to each payload (large). */
  includeExchange: z.boolean().default(false),
  /** Allow plain `http:` to a host other than loopback (signed, but readable by anyone on the path). */
  allowInsecureHttp: z.boolean().default(false),
})
  .strict()
  .superRefine((w, ctx) => {
    if ((w.secret === undefined) === (w.secretEnv === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['secret'], message: 'a webhook needs exactly one of secret and secretEnv' });
    }
    let url: URL;
    try {
      url = new URL(w.url);
    } catch {
      return; // z.url() reports it
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'a webhook URL must be http or https' });
    } else if (url.protocol === 'http:' && !w.allowInsecureHttp && !isLoopbackHost(url.hostname)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'plain http to a host other than loopback needs allowInsecureHttp: true (use https)' });
    }
    if (url.username !== '' || url.password !== '') {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'put no credentials in a webhook URL: deliveries are authenticated by their HMAC signature' });
    }
  });
export type WebhookSinkConfig = z.output<typeof WebhookSink>;

const Facility = z.union([
  z.number().int().min(0).max(23),
  z.enum(Object.keys(SYSLOG_FACILITIES) as [FacilityName, ...FacilityName[]]).transform((name) => SYSLOG_FACILITIES[name]),
]);

const SyslogSink = SinkBase.extend({
  host: z.string().min(1).max(255).regex(/^[^\s/]+$/, 'a host name or address'),
  /** Default: 514 for udp and tcp, 6514 for tls (RFC 5425). */
  port: z.number().int().min(1).max(65535).optional(),
  /** `tcp` and `tls` keep one connection open and reconnect when it breaks. */
  protocol: z.enum(['udp', 'tcp', 'tls']).default('tcp'),
  /** `rfc5424`: structured data plus the issue as JSON; `cef`: an ArcSight CEF line. */
  format: z.enum(['rfc5424', 'cef']).default('rfc5424'),
  /** For `cef`: put an RFC 5424 header before the CEF line (false: the bare CEF line). */
  cefSyslogHeader: z.boolean().default(true),
  /** TCP and TLS: octet counting (RFC 6587 §3.4.1) or a newline after each message. */
  framing: z.enum(['octet-counting', 'newline']).default('octet-counting'),
  /** A name from `SYSLOG_FACILITIES` or a number 0 to 23. */
  facility: Facility.default(SYSLOG_FACILITIES.local4),
  appName: PrintUsAscii(48).default('bulwark'),
  /** The HOSTNAME field (default: this machine's name). */
  hostname: PrintUsAscii(255).optional(),
  /** Longest message, header included (default: 2048 for udp, 8192 otherwise); longer ones are cut cleanly. */
  maxMessageBytes: z.number().int().min(1024).max(65_000).optional(),
  /** TLS: a CA bundle (PEM) to trust instead of the system's; the server name checked (default: `host`). */
  tls: z.object({ caFile: z.string().min(1).optional(), servername: z.string().min(1).max(255).optional() }).strict().optional(),
})
  .strict()
  .superRefine((s, ctx) => {
    if (s.tls !== undefined && s.protocol !== 'tls') ctx.addIssue({ code: 'custom', path: ['tls'], message: 'tls options need protocol: tls' });
  })
  .transform((s) => ({
    ...s,
    port: s.port ?? (s.protocol === 'tls' ? 6514 : 514),
    maxMessageBytes: s.maxMessageBytes ?? (s.protocol === 'udp' ? 2048 : 8192),
  }));
export type SyslogSinkConfig = z.output<typeof SyslogSink>;

const JsonlSink = SinkBase.extend({
  /** The file (created with mode 0600, its directory if missing); relative paths are from the working directory. */
  path: z.string().min(1),
  /** When the next line would take the file past this size, it is renamed to `<path>.1` (replacing it) and a new one started. */
  maxBytes: z.number().int().min(1024).max(1024 ** 4).default(100 * 1024 * 1024),
  includeExchange: z.boolean().default(false),
}).strict();
export type JsonlSinkConfig = z.output<typeof JsonlSink>;

export const ExportsConfig = z
  .object({
    webhooks: z.array(WebhookSink).max(20).default([]),
    syslog: z.array(SyslogSink).max(20).default([]),
    jsonl: z.array(JsonlSink).max(20).default([]),
    /** `close()` waits this long for queued issues to go out; what is left then is dropped (and counted). */
    closeTimeoutMs: z.number().int().min(0).max(600_000).default(10_000),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    for (const key of ['webhooks', 'syslog', 'jsonl'] as const) {
      c[key].forEach((sink, i) => {
        if (sink.name === undefined) return;
        if (seen.has(sink.name)) ctx.addIssue({ code: 'custom', path: [key, i, 'name'], message: `two export sinks are named ${sink.name}` });
        seen.add(sink.name);
      });
    }
  });
export type ExportsConfig = z.output<typeof ExportsConfig>;
