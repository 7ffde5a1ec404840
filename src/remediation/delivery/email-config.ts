import { z } from 'zod';

/**
 * The email channel's SMTP settings (issue 6): where digests go out, and how. Secure by default: STARTTLS is
 * required on the submission port, certificates are verified, and the password lives in an environment
 * variable, never in the file. See docs/remediation-email.md.
 *
 * @example
 * email:
 *   host: smtp.example.com          # port 587, STARTTLS required
 *   auth: { user: bulwark@example.com, passwordEnv: BULWARK_SMTP_PASSWORD }
 *   from: bulwark@example.com
 */

/** An environment variable's name (its value, a secret, is read at start and never logged). */
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'an environment variable name');

const SmtpAuth = z.strictObject(
  {
    user: z.string().min(1).max(256),
    /** The name of the environment variable that holds the password. */
    passwordEnv: EnvName,
  },
  {
    error: (iss) =>
      iss.code === 'unrecognized_keys' && iss.keys.some((k) => /pass/i.test(k))
        ? 'put no password in the configuration: name the environment variable that holds it in auth.passwordEnv'
        : undefined,
  },
);

export const STARTTLS_MODES = ['required', 'opportunistic', 'never'] as const;

export const EmailChannelConfig = z
  .object({
    /** The SMTP server (a relay or a submission server). */
    host: z.string().min(1).max(255).regex(/^[^\s/@]+$/, 'a host name or address'),
    /** Default: 465 with `secure`, 587 otherwise. */
    port: z.number().int().min(1).max(65535).optional(),
    /** Implicit TLS from the first byte (SMTPS, usually port 465). When set, `starttls` does not apply. */
    secure: z.boolean().default(false),
    /**
     * Without `secure`: `required` upgrades every connection with STARTTLS and refuses to go on without it;
     * `opportunistic` upgrades when the server offers it and otherwise sends in plain text (so it takes no
     * `auth`); `never` always sends in plain text (a local relay on loopback).
     */
    starttls: z.enum(STARTTLS_MODES).default('required'),
    auth: SmtpAuth.optional(),
    /** The sender address of every digest. */
    from: z.email(),
    /** The display name beside `from`. */
    fromName: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[^\r\n\0]+$/, 'one line')
      .default('Bulwark'),
    replyTo: z.email().optional(),
    /** A PEM bundle to trust instead of the system's CAs (a private CA, or the server's own certificate). */
    caFile: z.string().min(1).optional(),
    /** false accepts any certificate: anyone on the path can then read the mail and the password. */
    rejectUnauthorized: z.boolean().default(true),
    /** Connecting, the greeting, each command and the whole send each finish within this time. */
    timeoutMs: z.number().int().min(100).max(120_000).default(15_000),
    /** A digest goes to at most this many addresses (the first ones, after removing repeats). */
    maxRecipients: z.number().int().min(1).max(500).default(50),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.auth !== undefined && !c.secure && c.starttls === 'opportunistic') {
      ctx.addIssue({
        code: 'custom',
        path: ['starttls'],
        message:
          "auth with starttls 'opportunistic' would send the password in plain text to a server (or an attacker) that does not offer STARTTLS: use 'required', or 'never' to accept that knowingly",
      });
    }
  })
  .transform((c) => ({ ...c, port: c.port ?? (c.secure ? 465 : 587) }));
export type EmailChannelConfig = z.output<typeof EmailChannelConfig>;
/** The configuration as written (defaults not yet applied). */
export type EmailChannelConfigInput = z.input<typeof EmailChannelConfig>;
