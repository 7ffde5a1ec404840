import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { captureLogger } from '../../cases/export/fixtures/readers.js';
import { DomainError } from '../../errors/domain-errors.js';
import type { OutboxMessage } from '../../contracts/remediation.js';
import { SendError, type DeliveryChannel } from './channel.js';
import { EmailChannelConfig, type EmailChannelConfigInput } from './email-config.js';
import { createEmailChannel, digestRecipients, MESSAGE_ID_HEADER } from './email.js';
import { digest, task } from './fixtures/email-digest.js';
import { closedPort, selfSignedCert, startSmtpServer, tempDir, type SmtpTestServer, type SmtpTestServerOptions, type TestCert } from './fixtures/smtp-test-server.js';

const PASSWORD = 'correct horse battery staple';
const NOW = new Date('2026-12-11T09:00:05.000Z');

let tmp: ReturnType<typeof tempDir>;
let cert: TestCert;
/** Another self-signed certificate: trusting it does not make `cert` trusted. */
let otherCert: TestCert;
/** Trusted (given as caFile) but made for another host name. */
let elsewhereCert: TestCert;

beforeAll(() => {
  tmp = tempDir();
  cert = selfSignedCert(tmp.dir, 'server');
  otherCert = selfSignedCert(tmp.dir, 'other');
  elsewhereCert = selfSignedCert(tmp.dir, 'elsewhere', 'DNS:mail.elsewhere.example');
});
afterAll(() => tmp.remove());

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.close();
});

async function server(opts: SmtpTestServerOptions = {}): Promise<SmtpTestServer> {
  const s = await startSmtpServer(opts);
  open.push(s);
  return s;
}

function channel(input: Partial<EmailChannelConfigInput> & { port: number }, env: Record<string, string> = { BULWARK_SMTP_PASSWORD: PASSWORD }, logger?: ReturnType<typeof captureLogger>['logger']): DeliveryChannel {
  const config = EmailChannelConfig.parse({ host: '127.0.0.1', from: 'bulwark@bulwark.example', caFile: cert.certFile, timeoutMs: 10_000, ...input });
  const c = createEmailChannel(config, { env, now: () => NOW, logger });
  open.push(c);
  return c;
}

const send = (c: DeliveryChannel, message: OutboxMessage = { kind: 'digest', digest: digest() }, messageId = 'out_12') => c.send(message, { messageId });

/** The SendError a send ended with (fails the test when it went out). */
async function failure(p: Promise<unknown>): Promise<SendError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SendError);
  return err as SendError;
}

describe('email channel: a digest arrives', () => {
  it('comes over STARTTLS from the configured sender to the owners, with the subject, both parts, the task refs and links', async () => {
    const smtp = await server({ tls: cert });
    const c = channel({ port: smtp.port, replyTo: 'security@bulwark.example' });
    await expect(send(c)).resolves.toEqual({});

    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.secure).toBe(true);
    expect(mail.mailFrom).toBe('bulwark@bulwark.example');
    expect(mail.rcptTo).toEqual(['owner@payments.example']);
    const m = mail.parsed;
    expect(m.from?.value).toEqual([{ name: 'Bulwark', address: 'bulwark@bulwark.example' }]);
    expect(m.replyTo?.value[0]?.address).toBe('security@bulwark.example');
    expect(m.subject).toBe('[Bulwark] Payments: 3 new, 2 overdue remediation tasks');
    expect(m.date?.toISOString()).toBe(NOW.toISOString());
    expect(m.headers.get('auto-submitted')).toBe('auto-generated');

    for (const ref of ['T-1', 'T-2', 'T-3', 'T-7', 'T-8']) {
      expect(m.text).toContain(`https://bulwark.example/tasks/${ref}`);
      expect(m.html).toContain(`<a href="https://bulwark.example/tasks/${ref}" style="font-weight:bold">${ref}</a>`);
    }
    expect(m.text).toContain('T-7  HIGH  Unauthenticated access to sensitive data');
    expect(m.text).toContain('Due 2026-12-08 (overdue by 3 days)');
    expect(m.text).toContain('POST api.shop.example /payments');
    expect(m.text).toContain('Open your tasks in the console: https://bulwark.example/remediation?application=app_payments');
    expect(m.html).toContain('href="https://bulwark.example/remediation?application=app_payments"');
  });

  it('goes to each address once, skips invalid ones and stops at maxRecipients', async () => {
    const smtp = await server({ tls: cert });
    const { logger, lines } = captureLogger();
    const c = channel({ port: smtp.port, maxRecipients: 3 }, undefined, logger);
    const to = ['a@payments.example', 'A@Payments.example', 'not an address', 'b@payments.example, evil@attacker.example', ' c@payments.example ', 'd@payments.example'];
    await send(c, { kind: 'digest', digest: digest({ to }) });

    const mail = smtp.received[0]!;
    expect(mail.rcptTo).toEqual(['a@payments.example', 'c@payments.example', 'd@payments.example']);
    const toHeader = mail.parsed.to;
    expect(Array.isArray(toHeader) ? null : toHeader?.value.map((a) => a.address)).toEqual(['a@payments.example', 'c@payments.example', 'd@payments.example']);
    expect(lines.join('')).toContain('"invalid":2');
  });

  it('marks a retried digest as the same message: same Message-ID and X-Bulwark-Message-Id', async () => {
    const smtp = await server({ tls: cert });
    const c = channel({ port: smtp.port });
    await send(c, undefined, 'out_42');
    await send(c, undefined, 'out_42');
    await send(c, undefined, 'out_43');

    const ids = smtp.received.map((r) => [r.parsed.messageId, r.parsed.headers.get(MESSAGE_ID_HEADER.toLowerCase())]);
    expect(ids).toEqual([
      ['<bulwark.out_42@bulwark.example>', 'out_42'],
      ['<bulwark.out_42@bulwark.example>', 'out_42'],
      ['<bulwark.out_43@bulwark.example>', 'out_43'],
    ]);
  });

  it('sends over implicit TLS (secure: true)', async () => {
    const smtp = await server({ tls: cert, secure: true });
    await send(channel({ port: smtp.port, secure: true }));
    expect(smtp.received.map((r) => r.secure)).toEqual([true]);
  });

  it("sends in plain text with starttls 'never'", async () => {
    const smtp = await server();
    await send(channel({ port: smtp.port, starttls: 'never' }));
    expect(smtp.received.map((r) => r.secure)).toEqual([false]);
  });

  it("with starttls 'opportunistic', upgrades where the server offers STARTTLS and sends in plain text where it does not", async () => {
    const withTls = await server({ tls: cert });
    const without = await server();
    await send(channel({ port: withTls.port, starttls: 'opportunistic' }));
    await send(channel({ port: without.port, starttls: 'opportunistic' }));
    expect([withTls.received[0]?.secure, without.received[0]?.secure]).toEqual([true, false]);
  });

  it('takes only digests', async () => {
    const c = channel({ port: await closedPort() });
    const ticket: OutboxMessage = { kind: 'ticket', ticket: { task: { ...task('T-1'), owasp: 'API2:2023', cwe: 'CWE-306', applicationName: 'Payments', evidence: [] }, ticket: null } };
    expect(c.accepts({ kind: 'digest', digest: digest() })).toBe(true);
    expect(c.accepts(ticket)).toBe(false);
    const err = await failure(send(c, ticket));
    expect(err.retryable).toBe(false);
    expect([c.name, c.kind]).toEqual(['email', 'email']);
  });
});

describe('email channel: TLS', () => {
  it("refuses to go on without STARTTLS when it is required (the default), before any login or mail", async () => {
    const smtp = await server({ credentials: { user: 'bulwark', password: PASSWORD } });
    const err = await failure(send(channel({ port: smtp.port, auth: { user: 'bulwark', passwordEnv: 'BULWARK_SMTP_PASSWORD' } })));
    expect(err.retryable).toBe(false);
    expect(err.reason).toMatch(/^STARTTLS is required \(starttls: required\) but 127\.0\.0\.1:\d+ does not offer it \(SMTP 5\d\d on STARTTLS: /);
    expect([smtp.logins, smtp.mailFromCount(), smtp.received]).toEqual([[], 0, []]);
  });

  // A certificate that is not trusted stays untrusted until someone changes the configuration or the
  // server: another try cannot help, so the digest fails at once and the reason says what to fix.
  it.each([
    { name: 'STARTTLS, no caFile (system CAs)', secure: false, caFile: undefined },
    { name: 'STARTTLS, caFile of another certificate', secure: false, caFile: 'other' },
    { name: 'implicit TLS, no caFile', secure: true, caFile: undefined },
  ])('fails for good on a certificate it does not trust: $name', async ({ secure, caFile }) => {
    const smtp = await server({ tls: cert, secure });
    const c = channel({ port: smtp.port, secure, caFile: caFile === 'other' ? otherCert.certFile : undefined });
    const err = await failure(send(c));
    expect(err.retryable).toBe(false);
    expect(err.reason).toMatch(/^TLS with 127\.0\.0\.1:\d+ failed: self-signed certificate \(DEPTH_ZERO_SELF_SIGNED_CERT\); trust the server's CA with caFile/);
    expect(smtp.received).toEqual([]);
  });

  it('fails for good on a trusted certificate made for another host', async () => {
    const smtp = await server({ tls: elsewhereCert });
    const err = await failure(send(channel({ port: smtp.port, caFile: elsewhereCert.certFile })));
    expect(err.retryable).toBe(false);
    expect(err.reason).toContain("IP: 127.0.0.1 is not in the cert's list");
    expect(err.reason).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('fails for good when secure: true meets a port without TLS, and says what to check', async () => {
    const smtp = await server();
    const err = await failure(send(channel({ port: smtp.port, secure: true })));
    expect(err.retryable).toBe(false);
    expect(err.reason).toMatch(/^TLS with 127\.0\.0\.1:\d+ failed \(ERR_SSL_WRONG_VERSION_NUMBER\): check port and secure/);
  });

  it('accepts that certificate with rejectUnauthorized: false', async () => {
    const smtp = await server({ tls: cert });
    await send(channel({ port: smtp.port, caFile: undefined, rejectUnauthorized: false }));
    expect(smtp.received).toHaveLength(1);
  });
});

describe('email channel: login', () => {
  it.each(['PLAIN', 'LOGIN'] as const)('logs in with AUTH %s using the password from the environment', async (method) => {
    const smtp = await server({ tls: cert, credentials: { user: 'bulwark', password: PASSWORD }, authMethods: [method] });
    await send(channel({ port: smtp.port, auth: { user: 'bulwark', passwordEnv: 'BULWARK_SMTP_PASSWORD' } }));
    expect(smtp.logins).toEqual([{ method, user: 'bulwark' }]);
    expect(smtp.received.map((r) => r.user)).toEqual(['bulwark']);
  });

  it.each(['PLAIN', 'LOGIN'] as const)('a wrong password (AUTH %s) fails for good, and the reason never holds the password, even when the server echoes it', async (method) => {
    const smtp = await server({ tls: cert, credentials: { user: 'bulwark', password: 'the real one' }, authMethods: [method], authFailure: { code: 535, text: '5.7.8 Authentication failed', echoPassword: true } });
    const err = await failure(send(channel({ port: smtp.port, auth: { user: 'bulwark', passwordEnv: 'BULWARK_SMTP_PASSWORD' } })));
    expect(err.retryable).toBe(false);
    expect(err.reason).toContain(`SMTP 535 on AUTH ${method}: 5.7.8 Authentication failed (password was [REDACTED])`);
    expect(err.reason).toContain('BULWARK_SMTP_PASSWORD');
    expect(err.reason).not.toContain(PASSWORD);
    expect(err.message).not.toContain(PASSWORD);
    expect(smtp.received).toEqual([]);
  });

  it('a temporary login failure (454) is worth another try', async () => {
    const smtp = await server({ tls: cert, credentials: { user: 'bulwark', password: 'the real one' }, authFailure: { code: 454, text: '4.7.0 Temporary authentication failure' } });
    const err = await failure(send(channel({ port: smtp.port, auth: { user: 'bulwark', passwordEnv: 'BULWARK_SMTP_PASSWORD' } })));
    expect([err.retryable, err.reason]).toEqual([true, expect.stringContaining('SMTP 454 on AUTH PLAIN')]);
  });

  it('will not start without the password variable', () => {
    const config = EmailChannelConfig.parse({ host: 'smtp.example.com', from: 'bulwark@example.com', auth: { user: 'bulwark', passwordEnv: 'BULWARK_SMTP_PASSWORD' } });
    expect(() => createEmailChannel(config, { env: {}, now: () => NOW })).toThrow(DomainError);
    expect(() => createEmailChannel(config, { env: {}, now: () => NOW })).toThrow('BULWARK_SMTP_PASSWORD, which is not set');
    expect(() => createEmailChannel(config, { env: (name) => (name === 'BULWARK_SMTP_PASSWORD' ? PASSWORD : undefined), now: () => NOW }).close()).not.toThrow();
  });
});

describe('email channel: refusals and outages', () => {
  it.each([
    { where: 'RCPT', reply: { code: 451, text: '4.3.0 Try again later' }, retryable: true },
    { where: 'RCPT', reply: { code: 450, text: '4.2.1 Mailbox busy' }, retryable: true },
    { where: 'RCPT', reply: { code: 452, text: '4.5.3 Too many recipients' }, retryable: true },
    { where: 'RCPT', reply: { code: 550, text: '5.1.1 Mailbox unavailable' }, retryable: false },
    { where: 'RCPT', reply: { code: 553, text: '5.1.3 Mailbox name not allowed' }, retryable: false },
    { where: 'DATA', reply: { code: 451, text: '4.3.0 Local error in processing' }, retryable: true },
    { where: 'DATA', reply: { code: 421, text: '4.3.2 Shutting down' }, retryable: true },
    { where: 'DATA', reply: { code: 550, text: '5.7.1 Message rejected as spam' }, retryable: false },
    { where: 'DATA', reply: { code: 552, text: '5.3.4 Message too big' }, retryable: false },
  ])('$reply.code on $where: retryable $retryable', async ({ where, reply, retryable }) => {
    const smtp = await server({ tls: cert, ...(where === 'RCPT' ? { rcptReply: reply } : { dataReply: reply }) });
    const err = await failure(send(channel({ port: smtp.port })));
    expect(err.retryable).toBe(retryable);
    expect(err.reason).toContain(`SMTP ${reply.code}`);
    expect(err.reason).toContain(reply.text);
    expect(smtp.received).toEqual([]);
  });

  it('a server that is not listening is worth another try', async () => {
    const err = await failure(send(channel({ port: await closedPort() })));
    expect(err.retryable).toBe(true);
    expect(err.reason).toMatch(/^cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)$/);
  });

  it('a server that never answers the message is worth another try (bounded by timeoutMs)', async () => {
    const smtp = await server({ tls: cert, holdData: true });
    const err = await failure(send(channel({ port: smtp.port, timeoutMs: 300 })));
    expect(err.retryable).toBe(true);
    expect(err.reason).toMatch(/within 300 ms/);
  });

  it('close() ends a send in flight (worth another try, after a restart) and refuses new ones', async () => {
    const smtp = await server({ tls: cert, holdData: true });
    const c = channel({ port: smtp.port });
    const pending = failure(send(c));
    await smtp.dataStarted;
    await c.close();
    const err = await pending;
    expect(err.retryable).toBe(true);
    expect(err.reason).toContain('closed');
    expect((await failure(send(c))).retryable).toBe(true);
  });

  it('a digest with no valid address fails for good without connecting', async () => {
    const smtp = await server({ tls: cert });
    const err = await failure(send(channel({ port: smtp.port }), { kind: 'digest', digest: digest({ to: ['nobody', 'a@b@c'] }) }));
    expect([err.retryable, err.reason]).toEqual([false, 'the digest has no valid recipient address (2 invalid)']);
    expect(smtp.mailFromCount()).toBe(0);
  });
});

describe('EmailChannelConfig', () => {
  const base = { host: 'smtp.example.com', from: 'bulwark@example.com' };

  it('is secure by default: port 587, STARTTLS required, certificates verified', () => {
    expect(EmailChannelConfig.parse(base)).toMatchObject({ port: 587, secure: false, starttls: 'required', rejectUnauthorized: true, timeoutMs: 15_000, maxRecipients: 50 });
    expect(EmailChannelConfig.parse({ ...base, secure: true }).port).toBe(465);
    expect(EmailChannelConfig.parse({ ...base, secure: true, port: 2465 }).port).toBe(2465);
  });

  it.each([
    { name: 'a literal password', input: { ...base, auth: { user: 'u', passwordEnv: 'P', password: 'hunter2' } }, message: 'put no password in the configuration' },
    { name: 'auth with opportunistic STARTTLS', input: { ...base, starttls: 'opportunistic', auth: { user: 'u', passwordEnv: 'P' } }, message: 'plain text' },
    { name: 'a from that is not an address', input: { ...base, from: 'Bulwark <bulwark@example.com>' }, message: '' },
    { name: 'a bad variable name', input: { ...base, auth: { user: 'u', passwordEnv: 'NOT-A-NAME' } }, message: 'an environment variable name' },
    { name: 'an unknown key', input: { ...base, tls: true }, message: '' },
  ])('refuses $name', ({ input, message }) => {
    const result = EmailChannelConfig.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message).join('\n')).toContain(message);
  });

  it("allows auth with starttls 'never' (a knowing choice) and with implicit TLS", () => {
    expect(EmailChannelConfig.safeParse({ ...base, starttls: 'never', auth: { user: 'u', passwordEnv: 'P' } }).success).toBe(true);
    expect(EmailChannelConfig.safeParse({ ...base, secure: true, starttls: 'opportunistic', auth: { user: 'u', passwordEnv: 'P' } }).success).toBe(true);
  });
});

describe('digestRecipients', () => {
  it.each([
    { to: ['a@x.example', 'A@X.EXAMPLE', 'b@x.example'], max: 50, recipients: ['a@x.example', 'b@x.example'], invalid: 0, dropped: 0 },
    { to: ['a@x.example', 'b@x.example', 'c@x.example'], max: 2, recipients: ['a@x.example', 'b@x.example'], invalid: 0, dropped: 1 },
    { to: ['a@x.example, b@x.example', 'Name <c@x.example>', '', 'd@x.example\r\nBcc: e@x.example'], max: 50, recipients: [], invalid: 4, dropped: 0 },
  ])('$to (max $max)', ({ to, max, ...expected }) => {
    expect(digestRecipients(to, max)).toEqual(expected);
  });
});

