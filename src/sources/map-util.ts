/** Small readers for loosely typed log records: a wrong type reads as "absent", never as a crash. */
export type Rec = Record<string, unknown>;

export function isRec(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A string field; '' and '-' (what log formats print for "no value") read as absent. */
export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' || v === '-' ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** A number field; numeric strings count (API Gateway quotes everything). */
export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v !== '' && v !== '-') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function rec(v: unknown): Rec | undefined {
  return isRec(v) ? v : undefined;
}

export function firstDefined<T>(...vals: Array<T | undefined>): T | undefined {
  for (const v of vals) if (v !== undefined) return v;
  return undefined;
}

/** `GET /a?b HTTP/1.1` -> parts; undefined when it is not a request line. */
export function splitRequestLine(line: string): { method: string; target: string; protocol?: string } | undefined {
  const parts = line.split(' ');
  if (parts.length < 2 || parts.length > 3) return undefined;
  const [method, target, protocol] = parts as [string, string, string | undefined];
  if (!/^[A-Za-z]{3,10}$/.test(method) || target === '') return undefined;
  return protocol === undefined ? { method, target } : { method, target, protocol };
}

/** Caddy logs the TLS record version as a number (0x0304 = 772 is TLS 1.3). */
export function tlsVersionName(v: unknown): string | undefined {
  if (typeof v === 'string') return str(v);
  switch (v) {
    case 769: return 'TLSv1.0';
    case 770: return 'TLSv1.1';
    case 771: return 'TLSv1.2';
    case 772: return 'TLSv1.3';
    default: return undefined;
  }
}
