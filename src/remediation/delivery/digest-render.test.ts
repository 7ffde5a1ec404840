import { describe, expect, it } from 'vitest';
import type { TaskBrief } from '../../contracts/remediation.js';
import { digestSubject, dueInWords, escapeHtml, MAX_TASKS_PER_SECTION, renderDigest } from './digest-render.js';
import { digest, GENERATED_AT, task } from './fixtures/email-digest.js';

const ALLOWED_TAGS = new Set(['html', 'head', 'meta', 'title', 'body', 'h1', 'h2', 'p', 'br', 'ul', 'li', 'a', 'strong', 'code', 'span']);
const ALLOWED_ATTRS = new Set(['lang', 'charset', 'name', 'content', 'style', 'href']);

/**
 * Reads every tag of the HTML part the way a browser would start to: anything after a `<` that is not one
 * of the tags and attributes the renderer writes (an injected tag, an event handler, a broken-out
 * attribute) is reported, so a passing check means untrusted text stayed text.
 */
function htmlProblems(html: string): string[] {
  const problems: string[] = [];
  let i = html.indexOf('<');
  while (i !== -1) {
    const rest = html.slice(i);
    if (rest.startsWith('<!DOCTYPE html>')) {
      i = html.indexOf('<', i + 1);
      continue;
    }
    const tag = /^<\/?([a-z0-9]+)((?:\s+[a-z-]+="[^"<>]*")*)\s*>/i.exec(rest);
    if (tag === null) {
      problems.push(`not a tag: ${rest.slice(0, 40)}`);
    } else {
      if (!ALLOWED_TAGS.has(tag[1]!.toLowerCase())) problems.push(`tag ${tag[1]}`);
      for (const [, name, value] of (tag[2] ?? '').matchAll(/([a-z-]+)="([^"]*)"/gi)) {
        if (!ALLOWED_ATTRS.has(name!.toLowerCase())) problems.push(`attribute ${name}`);
        if (name === 'href' && !/^https?:\/\//.test(value!)) problems.push(`href ${value}`);
        if (name === 'style' && /url\(|@import|expression\(/i.test(value!)) problems.push(`style ${value}`);
      }
    }
    i = html.indexOf('<', i + 1);
  }
  return problems;
}

describe('digestSubject', () => {
  it.each([
    { newTasks: 3, overdue: 2, name: 'Payments', subject: '[Bulwark] Payments: 3 new, 2 overdue remediation tasks' },
    { newTasks: 1, overdue: 0, name: 'Payments', subject: '[Bulwark] Payments: 1 new remediation task' },
    { newTasks: 0, overdue: 4, name: 'Payments', subject: '[Bulwark] Payments: 4 overdue remediation tasks' },
    { newTasks: 0, overdue: 0, name: 'Payments', subject: '[Bulwark] Payments: no new or overdue remediation tasks' },
    { newTasks: 1, overdue: 0, name: 'Shop\r\nBcc: victim@example.com', subject: '[Bulwark] Shop Bcc: victim@example.com: 1 new remediation task' },
    { newTasks: 1, overdue: 0, name: ' \t', subject: '[Bulwark] Unnamed application: 1 new remediation task' },
  ])('$newTasks new, $overdue overdue, application $name', ({ newTasks, overdue, name, subject }) => {
    const d = digest({
      applicationName: name,
      newTasks: Array.from({ length: newTasks }, (_, i) => task(`T-${i + 1}`)),
      overdueTasks: Array.from({ length: overdue }, (_, i) => task(`T-${i + 50}`, { dueInDays: -2 })),
    });
    expect(digestSubject(d)).toBe(subject);
    expect(renderDigest(d).subject).toBe(subject);
  });
});

describe('dueInWords', () => {
  const at = (days: number) => new Date(Date.parse(GENERATED_AT) + days * 86_400_000).toISOString();
  it.each<{ dueAt: string; sla: TaskBrief['sla']; words: string }>([
    { dueAt: at(-3), sla: 'overdue', words: 'Due 2026-12-08 (overdue by 3 days)' },
    { dueAt: at(-0.25), sla: 'overdue', words: 'Due 2026-12-11 (overdue by 1 day)' },
    { dueAt: at(2.5), sla: 'approaching', words: 'Due 2026-12-13 (due soon, in 2 days)' },
    { dueAt: at(0.5), sla: 'approaching', words: 'Due 2026-12-11 (due soon, within a day)' },
    { dueAt: at(12), sla: 'on-track', words: 'Due 2026-12-23 (on track, due in 12 days)' },
    { dueAt: at(-1), sla: 'met', words: 'Due 2026-12-10 (closed in time)' },
    { dueAt: at(-9), sla: 'missed', words: 'Due 2026-12-02 (closed after the due date)' },
    { dueAt: 'someday', sla: 'overdue', words: 'Due someday (overdue)' },
  ])('$sla, due $dueAt', ({ dueAt, sla, words }) => {
    expect(dueInWords({ dueAt, sla }, GENERATED_AT)).toBe(words);
  });
});

describe('renderDigest: text', () => {
  it('lists overdue then new tasks with ref, severity, title, place, due date, SLA state and link, then the console', () => {
    const d = digest({
      newTasks: [task('T-2', { severity: 'critical', method: 'post', pathTemplate: '/payments', findings: 1 })],
      overdueTasks: [task('T-7', { dueInDays: -3, method: null, pathTemplate: null })],
    });
    expect(renderDigest(d).text).toBe(
      [
        'Payments: remediation tasks',
        '',
        'You have 1 new task and 1 overdue task to remediate.',
        'Team: payments-team',
        '',
        'OVERDUE (1)',
        '',
        'T-7  HIGH  Unauthenticated access to sensitive data',
        '    api.shop.example',
        '    Due 2026-12-08 (overdue by 3 days), 2 findings',
        '    https://bulwark.example/tasks/T-7',
        '',
        'NEW (1)',
        '',
        'T-2  CRITICAL  Unauthenticated access to sensitive data',
        '    POST api.shop.example /payments',
        '    Due 2026-12-21 (on track, due in 10 days), 1 finding',
        '    https://bulwark.example/tasks/T-2',
        '',
        'Open your tasks in the console: https://bulwark.example/remediation?application=app_payments',
        '',
        '-- ',
        'Sent by Bulwark on 2026-12-11 09:00 UTC to the owners of this application.',
        '',
      ].join('\n'),
    );
  });

  it('says so when there is nothing to do', () => {
    const { text, html } = renderDigest(digest({ newTasks: [], overdueTasks: [], team: null }));
    expect(text).toContain('You have no new or overdue remediation tasks.');
    expect(text).not.toContain('Team:');
    expect(html).not.toContain('<h2');
  });

  it('keeps untrusted text on its own line: a title cannot add a line that looks like a link', () => {
    const { text } = renderDigest(digest({ newTasks: [task('T-1', { title: 'Fix this\r\nhttps://evil.example/login\u2028\u202eevil' })], overdueTasks: [] }));
    expect(text).toContain('T-1  HIGH  Fix this https://evil.example/login evil\n');
    expect(text.split('\n').filter((line) => line.trimStart().startsWith('https://evil'))).toEqual([]);
    expect(text).not.toMatch(/[\u2028\u202e\r]/);
  });
});

describe('renderDigest: HTML', () => {
  it('uses only plain tags, inline styles and http(s) links: nothing to load, nothing to run', () => {
    const { html } = renderDigest(digest());
    expect(htmlProblems(html)).toEqual([]);
    expect(html).not.toMatch(/<(img|link|script|style|iframe)\b|src=/i);
    expect(html).toContain('<a href="https://bulwark.example/tasks/T-7" style="font-weight:bold">T-7</a>');
    expect(html).toContain('Due 2026-12-08 (overdue by 3 days), 2 findings');
    expect(html).toContain('<code style="font-family:Menlo,Consolas,monospace;font-size:13px">POST api.shop.example /payments</code>');
  });

  // Each field that can come from traffic or from an owner's input, with markup that would run or break
  // out of an attribute if it were not escaped.
  const hostile = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "' onmouseover='alert(1)", '</code></li></ul><a href="https://evil.example">'];
  const fields: Array<{ name: string; apply: (v: string) => Parameters<typeof digest>[0] }> = [
    { name: 'title', apply: (v) => ({ newTasks: [task('T-1', { title: v })] }) },
    { name: 'pathTemplate', apply: (v) => ({ newTasks: [task('T-1', { pathTemplate: `/search/${v}` })] }) },
    { name: 'host', apply: (v) => ({ newTasks: [task('T-1', { host: v })] }) },
    { name: 'method', apply: (v) => ({ newTasks: [task('T-1', { method: v })] }) },
    { name: 'ref', apply: (v) => ({ newTasks: [task(v)] }) },
    { name: 'task url', apply: (v) => ({ newTasks: [task('T-1', { url: `https://bulwark.example/tasks/${v}` })] }) },
    { name: 'applicationName', apply: (v) => ({ applicationName: v }) },
    { name: 'team', apply: (v) => ({ team: v }) },
    { name: 'consoleUrl', apply: (v) => ({ consoleUrl: `https://bulwark.example/?q=${v}` }) },
  ];
  it.each(fields.flatMap((f) => hostile.map((payload) => ({ field: f.name, payload, apply: f.apply }))))('$field = $payload renders inert', ({ payload, apply }) => {
    const { html } = renderDigest(digest(apply(payload)));
    expect(htmlProblems(html)).toEqual([]);
    expect(html).not.toContain(payload);
  });

  it('shows a path with <script> and a quote as the text it is', () => {
    const { html, text } = renderDigest(digest({ newTasks: [task('T-1', { pathTemplate: '/x/<script>alert("hi")</script>' })], overdueTasks: [] }));
    expect(html).toContain('GET api.shop.example /x/&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;</code>');
    expect(text).toContain('GET api.shop.example /x/<script>alert("hi")</script>');
  });

  it('does not link a URL that is not http(s)', () => {
    const { html, text } = renderDigest(digest({ newTasks: [task('T-1', { url: 'javascript:alert(document.cookie)' })], overdueTasks: [], consoleUrl: 'data:text/html,hi' }));
    expect(htmlProblems(html)).toEqual([]);
    expect(html).not.toMatch(/href="(javascript|data):/);
    expect(html).toContain('javascript:alert(document.cookie)');
    expect(text).toContain('Open your tasks in the console: data:text/html,hi');
  });

  it.each([
    ['&', '&amp;'],
    ['<b>', '&lt;b&gt;'],
    [`"'`, '&quot;&#39;'],
    ['plain', 'plain'],
  ])('escapeHtml(%j) is %j', (input, output) => {
    expect(escapeHtml(input)).toBe(output);
  });
});

describe('renderDigest: bounds', () => {
  it(`lists at most ${MAX_TASKS_PER_SECTION} tasks a section and counts the rest`, () => {
    const overdueTasks = Array.from({ length: MAX_TASKS_PER_SECTION + 3 }, (_, i) => task(`O-${i + 1}`, { dueInDays: -5 }));
    const d = digest({ overdueTasks, newTasks: [task('N-1')] });
    const { subject, text, html } = renderDigest(d);
    expect(subject).toBe('[Bulwark] Payments: 1 new, 103 overdue remediation tasks');
    expect(text).toContain('OVERDUE (103)');
    expect(text).toContain(`O-${MAX_TASKS_PER_SECTION}  HIGH`);
    expect(text).not.toContain(`O-${MAX_TASKS_PER_SECTION + 1}  HIGH`);
    expect(text).toContain('and 3 more in the console: https://bulwark.example/remediation?application=app_payments');
    expect(text).toContain('N-1  HIGH');
    expect(html.match(/<li /g)).toHaveLength(MAX_TASKS_PER_SECTION + 1);
    expect(html).toContain('and 3 more in the <a href="https://bulwark.example/remediation?application=app_payments">console</a>.');
  });

  it('cuts a very long title or path, visibly', () => {
    const { text } = renderDigest(digest({ newTasks: [task('T-1', { title: 'A'.repeat(5000), pathTemplate: `/${'p'.repeat(5000)}` })], overdueTasks: [] }));
    const lines = text.split('\n');
    const titleLine = lines.find((l) => l.startsWith('T-1  HIGH  '));
    expect(titleLine?.length).toBe('T-1  HIGH  '.length + 200);
    expect(titleLine?.endsWith('…')).toBe(true);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(500);
  });
});
