import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/**
 * Structured logs to stderr (stdout belongs to command output). Callers log ids, counts and reasons,
 * never traffic values; as a second line of defence, credential-bearing keys are censored.
 */
export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['authorization', 'cookie', 'token', 'password', 'secret', '*.authorization', '*.cookie', '*.token', '*.password', '*.secret', 'headers.*'],
        censor: '[REDACTED]',
      },
    },
    destination as pino.DestinationStream,
  );
}
