/**
 * Path templates as segments: which are parameters, the OpenAPI "shape" two templates share when they
 * differ only in parameter names, and how one template maps onto another (rename, generalise, specialise).
 */

export type Segment = { kind: 'static'; value: string } | { kind: 'param'; name: string };

const PARAM = /^\{([^{}]+)\}$/;

export function segmentsOf(template: string): Segment[] {
  return template
    .split('/')
    .slice(1)
    .map((s) => {
      const m = PARAM.exec(s);
      return m ? { kind: 'param', name: m[1]! } : { kind: 'static', value: s };
    });
}

export function templateOf(segments: readonly Segment[]): string {
  return '/' + segments.map((s) => (s.kind === 'param' ? `{${s.name}}` : s.value)).join('/');
}

export function pathParamsOf(template: string): string[] {
  return segmentsOf(template).flatMap((s) => (s.kind === 'param' ? [s.name] : []));
}

/**
 * OpenAPI treats `/users/{id}` and `/users/{userId}` as the same path ("templated paths with the same
 * hierarchy but different templated names must not exist"): the shape is the template without names.
 */
export function shapeOf(template: string): string {
  return '/' + segmentsOf(template).map((s) => (s.kind === 'param' ? '{}' : s.value)).join('/');
}

export type SegmentMapping = 'same' | 'rename' | 'generalise' | 'specialise';

/**
 * How `from` maps onto `to`, position by position, or a reason it does not: the segment counts must be
 * equal and static segments equal or turned into parameters (`generalise`); parameters may change name
 * (`rename`) or become a fixed value (`specialise`).
 */
export function mapTemplate(from: string, to: string): { ok: true; steps: SegmentMapping[] } | { ok: false; reason: string } {
  const a = segmentsOf(from);
  const b = segmentsOf(to);
  if (a.length !== b.length) return { ok: false, reason: `${from} has ${a.length} segment${a.length === 1 ? '' : 's'}, ${to} has ${b.length}` };
  const steps: SegmentMapping[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.kind === 'static' && y.kind === 'static') {
      if (x.value !== y.value) return { ok: false, reason: `segment ${i + 1} differs: "${x.value}" in ${from}, "${y.value}" in ${to}` };
      steps.push('same');
    } else if (x.kind === 'static') steps.push('generalise');
    else if (y.kind === 'static') steps.push('specialise');
    else steps.push(x.name === (y as { name: string }).name ? 'same' : 'rename');
  }
  return { ok: true, steps };
}

/** `GET /users/{id}` -> `getUsersById`; the caller makes it unique. */
export function operationIdOf(method: string, template: string): string {
  const words: string[] = [method.toLowerCase()];
  for (const s of segmentsOf(template)) {
    if (s.kind === 'param') words.push('By', ...camelWords(s.name));
    else words.push(...camelWords(s.value));
  }
  const id = words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('');
  return id.length > 120 ? id.slice(0, 120) : id;
}

function camelWords(s: string): string[] {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}
