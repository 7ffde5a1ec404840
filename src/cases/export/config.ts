import { z } from 'zod';

/**
 * Where issues go besides the console (issue 5): signed webhooks, syslog (RFC 5424 or CEF) for a SIEM,
 * and JSON lines files. Every sink is off until configured.
 */
export const ExportsConfig = z
  .object({
    webhooks: z.array(z.unknown()).default([]),
    syslog: z.array(z.unknown()).default([]),
    jsonl: z.array(z.unknown()).default([]),
  })
  .strict();
export type ExportsConfig = z.output<typeof ExportsConfig>;
