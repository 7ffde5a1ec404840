import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import type { DigestMessage, OutboxMessage } from '../../contracts/remediation.js';
import { invalidInput } from '../../errors/domain-errors.js';
import { clip } from '../../cases/export/text.js';
import type { Logger } from '../../util/logger.js';
import { SendError, type DeliveryChannel, type DeliveryResult } from './channel.js';
import { renderDigest } from './digest-render.js';
import type { EmailChannelConfig } from './email-config.js';

/**
 * The email channel: each owner's digest as one message (plain text and HTML) to the digest's addresses,
 * over SMTP. One connection a message, closed after it: digests are few, and nothing stays open between
 * runs for a server to drop. The outbox retries; this channel only says whether a retry may help:
 * connection failures, timeouts and 4xx replies may; 5xx replies, a refused login, a certificate that is
 * not trusted and a server without the required STARTTLS may not.
 *
 * Each message carries `X-Bulwark-Message-Id` (the outbox id) and a Message-ID made from it, so a digest
 * sent again after a retry is recognisably the same message.
 *
 * @example
 * const channel = createEmailChannel(config.email, { env: process.env, now: () => new Date(), logger });
 * await channel.send({ kind: 'digest', digest }, { messageId: 'out_12' });
 */

export interface EmailChannelDeps {
  /** Where `auth.passwordEnv` is looked up (read once, here): the environment, or a getter by name. */
  env: NodeJS.ProcessEnv | ((name: string) => string | undefined);
  /** The Date header. */
  now: () => Date;
  logger?: Logger;
}

export const MESSAGE_ID_HEADER = 'X-Bulwark-Message-Id';

/** How much of a server's reply text a reason keeps. */
const MAX_REPLY_CHARS = 200;

const Address = z.email();

/** Node's codes for a server certificate that failed verification: only a change of configuration helps. */
const CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** What nodemailer puts on its errors (see nodemailer's errors.ts). */
interface SmtpError {
  code?: string;
  originalCode?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  message?: string;
}

function readPassword(config: EmailChannelConfig, env: EmailChannelDeps['env']): string | undefined {
  if (config.auth === undefined) return undefined;
  const name = config.auth.passwordEnv;
  const value = typeof env === 'function' ? env(name) : env[name];
  if (value === undefined || value === '') throw invalidInput(`email: auth.passwordEnv names ${name}, which is not set`);
  return value;
}

function readCa(caFile: string | undefined): string | undefined {
  if (caFile === undefined) return undefined;
  try {
    return readFileSync(caFile, 'utf8');
  } catch (err) {
    throw invalidInput(`email: caFile ${caFile} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/**
 * An outbox id as it may stand in a header and in a Message-ID's left part; any other id becomes a
 * hash of itself, still the same for every retry of the message.
 */
function messageToken(id: string): string {
  return /^[A-Za-z0-9_-]{1,128}$/.test(id) ? id : `h${createHash('sha256').update(id).digest('hex').slice(0, 32)}`;
}

/** Every form in which the password could come back in a server's reply: as is, and base64 for LOGIN and PLAIN. */
function secretForms(user: string, password: string): string[] {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  return [password, b64(password), b64(`\0${user}\0${password}`), b64(`${user}\0${user}\0${password}`)].sort((a, b) => b.length - a.length);
}

/** The digest's addresses: trimmed, valid, each once (ignoring case), at most `max`. */
export function digestRecipients(to: readonly string[], max: number): { recipients: string[]; invalid: number; dropped: number } {
  const seen = new Set<string>();
  const recipients: string[] = [];
  let invalid = 0;
  let dropped = 0;
  for (const raw of to) {
    const address = raw.trim();
    if (!Address.safeParse(address).success) {
      invalid += 1;
      continue;
    }
    const key = address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    if (recipients.length < max) recipients.push(address);
    else dropped += 1;
  }
  return { recipients, invalid, dropped };
}

export function createEmailChannel(config: EmailChannelConfig, deps: EmailChannelDeps): DeliveryChannel {
  const password = readPassword(config, deps.env);
  const ca = readCa(config.caFile);
  const secrets = config.auth !== undefined && password !== undefined ? secretForms(config.auth.user, password) : [];
  const fromDomain = config.from.slice(config.from.lastIndexOf('@') + 1).toLowerCase();
  const server = `${config.host}:${config.port}`;
  const plain = !config.secure;

  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    requireTLS: plain && config.starttls === 'required',
    ignoreTLS: plain && config.starttls === 'never',
    opportunisticTLS: plain && config.starttls === 'opportunistic',
    tls: { ca, rejectUnauthorized: config.rejectUnauthorized, minVersion: 'TLSv1.2' },
    auth: config.auth === undefined ? undefined : { user: config.auth.user, pass: password },
    // With credentials configured, log in even where the server does not announce AUTH: a relay that
    // would take the mail without them is not what was configured.
    forceAuth: config.auth !== undefined,
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
    dnsTimeout: config.timeoutMs,
    // A digest has no attachments: nothing in a message may make the mailer read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
  });

  /** Ends every send in flight when the channel closes. */
  const closing = new AbortController();

  /** The server's reply text, on one line, bounded, with no trace of the password. */
  function replyText(response: string): string {
    let text = response.replace(/^\d{3}[ -]?/, '');
    for (const s of secrets) text = text.split(s).join('[REDACTED]');
    return clip(text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim(), MAX_REPLY_CHARS);
  }

  function toSendError(err: unknown): SendError {
    if (err instanceof SendError) return err;
    const e = (err ?? {}) as SmtpError;
    const code = e.code ?? 'error';
    const command = e.command === undefined || e.command === 'CONN' || e.command === 'API' ? null : e.command;
    const reply = typeof e.responseCode === 'number' && typeof e.response === 'string' ? `SMTP ${e.responseCode}${command === null ? '' : ` on ${command}`}: ${replyText(e.response)}` : null;

    if (code === 'EABORT') {
      return closing.signal.aborted ? new SendError('email channel closed before the digest went out', true) : new SendError(`${server} did not finish within ${config.timeoutMs} ms`, true);
    }
    if (code === 'ETLS' && command === 'STARTTLS' && typeof e.responseCode === 'number') {
      // The server refused STARTTLS: it does not offer it (5xx) or cannot now (454).
      const retryable = e.responseCode < 500;
      return new SendError(
        retryable ? `${server} cannot start TLS now (${reply})` : `STARTTLS is required (starttls: required) but ${server} does not offer it (${reply}); use port 465 with secure: true, or a server that offers STARTTLS`,
        retryable,
      );
    }
    if (code === 'ECONNECTION' && e.command === 'EHLO' && config.starttls === 'required' && plain && typeof e.responseCode === 'number' && e.responseCode >= 500) {
      return new SendError(`STARTTLS is required (starttls: required) but ${server} does not support EHLO, so it cannot offer STARTTLS (${reply})`, false);
    }
    const cause = e.originalCode ?? '';
    if (CERT_CODES.has(cause)) {
      return new SendError(`TLS with ${server} failed: ${clip(e.message ?? cause, MAX_REPLY_CHARS)} (${cause}); trust the server's CA with caFile, or check host`, false);
    }
    if (cause.startsWith('ERR_SSL_')) {
      return new SendError(`TLS with ${server} failed (${cause}): check port and secure (implicit TLS is usually port 465, STARTTLS port 587)`, false);
    }
    if (code === 'ETLS') return new SendError(`TLS with ${server} broke off (${cause || code})`, true);
    if (code === 'EAUTH' || code === 'ENOAUTH') {
      const hint = config.auth === undefined ? '' : ` (check auth.user and the password in ${config.auth.passwordEnv})`;
      if (typeof e.responseCode === 'number') {
        const retryable = e.responseCode < 500;
        return new SendError(`login to ${server} ${retryable ? 'failed for now' : 'refused'}: ${reply}${retryable ? '' : hint}`, retryable);
      }
      return new SendError(`login to ${server} failed: ${replyText(e.message ?? code)}${hint}`, false);
    }
    if (typeof e.responseCode === 'number') {
      // RFC 5321: 4yz is transient, 5yz permanent; 503 is a bad sequence of commands, not a verdict on the message.
      return new SendError(reply ?? `SMTP ${e.responseCode}`, e.responseCode < 500 || e.responseCode === 503);
    }
    if (code === 'ETIMEDOUT') {
      // A client waiting for the greeting while the server waits for a TLS hello: likely a TLS port.
      const hint = e.message === 'Greeting never received' && plain ? ' (if it expects TLS from the start, set secure: true)' : '';
      return new SendError(`${server} did not answer within ${config.timeoutMs} ms${hint}`, true);
    }
    if (code === 'ECONNECTION' || code === 'ESOCKET' || code === 'EDNS') {
      return new SendError(`cannot reach ${server} (${e.originalCode ?? code})`, true);
    }
    if (code === 'EENVELOPE' || code === 'EMESSAGE' || code === 'ECONFIG' || code === 'EMAXRECIPIENTS') {
      return new SendError(`the message was refused before sending: ${replyText(e.message ?? code)}`, false);
    }
    return new SendError(`sending to ${server} failed (${code})`, true);
  }

  async function sendDigest(digest: DigestMessage, messageId: string): Promise<DeliveryResult> {
    if (closing.signal.aborted) throw new SendError('email channel closed', true);
    const { recipients, invalid, dropped } = digestRecipients(digest.to, config.maxRecipients);
    if (recipients.length === 0) throw new SendError(`the digest has no valid recipient address (${invalid} invalid)`, false);
    if (invalid + dropped > 0) {
      deps.logger?.warn({ channel: 'email', messageId, recipients: recipients.length, invalid, dropped, maxRecipients: config.maxRecipients }, 'email digest: some addresses left out');
    }
    const { subject, text, html } = renderDigest(digest);
    const token = messageToken(messageId);

    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), config.timeoutMs);
    try {
      const info = await transport.sendMail({
        from: { name: config.fromName, address: config.from },
        to: recipients.map((address) => ({ name: '', address })),
        replyTo: config.replyTo,
        subject,
        text,
        html,
        date: deps.now(),
        messageId: `<bulwark.${token}@${fromDomain}>`,
        headers: {
          [MESSAGE_ID_HEADER]: token,
          // RFC 3834: an automatic message; out-of-office replies and the like should not answer it.
          'Auto-Submitted': 'auto-generated',
          'X-Auto-Response-Suppress': 'All',
        },
        signal: AbortSignal.any([deadline.signal, closing.signal]),
      });
      if (info.rejected.length > 0) {
        // The others got the digest; sending it again would reach them twice, so this counts as sent.
        deps.logger?.warn({ channel: 'email', messageId, accepted: info.accepted.length, rejected: info.rejected.length }, 'email digest: the server refused some recipients');
      }
      return {};
    } catch (err) {
      throw toSendError(err);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    name: 'email',
    kind: 'email',
    accepts: (message) => message.kind === 'digest',
    async send(message: OutboxMessage, ctx) {
      if (message.kind !== 'digest') throw new SendError(`the email channel sends digests, not ${message.kind} messages`, false);
      return sendDigest(message.digest, ctx.messageId);
    },
    async close() {
      closing.abort();
      transport.close();
    },
  };
}
