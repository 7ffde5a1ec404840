import { isWebUrl, type TicketBlock } from './ticket-text.js';

/**
 * Ticket blocks in Jira's two description formats: Atlassian Document Format (REST API v3) and wiki markup
 * (REST API v2). ADF text nodes are literal by construction; wiki markup is escaped so that a path like
 * `/users/{id}` is not read as a macro and `[~admin]` is not a mention.
 *
 * @example
 * toAdf([{ kind: 'text', label: 'Remediation', text: 'Require a token.' }])
 * // { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Remediation: ', marks: [{ type: 'strong' }] }, …] }] }
 * toWiki([{ kind: 'text', label: 'Remediation', text: 'Require a token.' }]) // '*Remediation:* Require a token.'
 */

export interface AdfMark {
  type: 'strong' | 'code' | 'link';
  attrs?: { href: string };
}

export interface AdfNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
  text?: string;
  marks?: AdfMark[];
}

export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

/** A text node (ADF forbids empty ones), its line breaks as `hardBreak` nodes. */
function adfText(text: string, marks?: AdfMark[]): AdfNode[] {
  const out: AdfNode[] = [];
  text.split('\n').forEach((line, i) => {
    if (i > 0) out.push({ type: 'hardBreak' });
    if (line !== '') out.push(marks === undefined ? { type: 'text', text: line } : { type: 'text', text: line, marks });
  });
  return out;
}

const paragraph = (content: AdfNode[]): AdfNode => ({ type: 'paragraph', content });
/** One text node with real newlines: `codeBlock` takes no `hardBreak`, and no marks. */
const codeBlock = (text: string): AdfNode => ({ type: 'codeBlock', content: text === '' ? [] : [{ type: 'text', text }] });
const label = (text: string): AdfNode[] => adfText(`${text}: `, [{ type: 'strong' }]);

function adfBlock(block: TicketBlock): AdfNode[] {
  switch (block.kind) {
    case 'facts':
      return [
        {
          type: 'bulletList',
          content: block.facts.map((f) => ({ type: 'listItem', content: [paragraph([...label(f.label), ...adfText(f.value, f.code ? [{ type: 'code' }] : undefined)])] })),
        },
      ];
    case 'text':
      return [paragraph([...label(block.label), ...adfText(block.text)])];
    case 'code':
      return [paragraph(adfText(block.label, [{ type: 'strong' }])), codeBlock(block.text)];
    case 'link':
      return [paragraph(isWebUrl(block.url) ? adfText(block.text, [{ type: 'link', attrs: { href: block.url } }]) : adfText(`${block.text}: ${block.url}`))];
  }
}

export function toAdf(blocks: readonly TicketBlock[]): AdfDoc {
  return { type: 'doc', version: 1, content: blocks.flatMap(adfBlock) };
}

// ---- wiki markup ----

/**
 * Wiki markup's special characters, each escaped with a backslash. A backslash itself cannot be escaped
 * (`\\` is a line break), so it is shown as a full-width one.
 */
export function escapeWiki(text: string): string {
  return text.replace(/\\/g, '\uff3c').replace(/[{}[\]|*_?\-+^~!#]/g, '\\$&').replace(/\r?\n/g, ' \\\\ ');
}

/** Ends a `{noformat}` block early otherwise. */
const noformat = (text: string): string => `{noformat}\n${text.replace(/\{noformat\}/gi, '{ noformat}')}\n{noformat}`;

/** A link target: the few characters that end a wiki link, percent-encoded. */
const wikiHref = (url: string): string => url.replace(/[|\]\[\s{}]/g, (c) => encodeURIComponent(c));

function wikiBlock(block: TicketBlock): string {
  switch (block.kind) {
    case 'facts':
      return block.facts.map((f) => `* *${escapeWiki(f.label)}:* ${f.code ? `{{${escapeWiki(f.value)}}}` : escapeWiki(f.value)}`).join('\n');
    case 'text':
      return `*${escapeWiki(block.label)}:* ${escapeWiki(block.text)}`;
    case 'code':
      return `*${escapeWiki(block.label)}:*\n${noformat(block.text)}`;
    case 'link':
      return isWebUrl(block.url) ? `[${escapeWiki(block.text)}|${wikiHref(block.url)}]` : `${escapeWiki(block.text)}: ${escapeWiki(block.url)}`;
  }
}

export function toWiki(blocks: readonly TicketBlock[]): string {
  return blocks.map(wikiBlock).join('\n\n');
}
