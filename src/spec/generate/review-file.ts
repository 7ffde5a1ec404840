import { stringify } from 'yaml';
import { SpecReviewFile, type SpecGenerateInfo, type SpecReviewEntry } from '../../contracts/spec-generate.js';
import { parseYamlWith, readBoundedFile } from '../../util/yaml-file.js';
import type { ReviewDecision } from './review.js';

/**
 * The review file: every endpoint with `action: accept`, written by `--write-review` for a reviewer to
 * edit in the repository, read back by `--review`. YAML (JSON is YAML too).
 */

/** A review of 10,000 endpoints is about 2 MB; anything far larger is a mistake. */
export const MAX_REVIEW_BYTES = 8 * 1024 * 1024;

const HEADER = `# Bulwark spec review: one entry per discovered endpoint. Edit it, keep it in the repository,
# and generate with: bulwark spec generate --review <this file>. See docs/spec-generate.md.
#   action: accept | skip             include the endpoint, or leave it out
#   rename: { id: userId }            rename path parameters: /users/{id} -> /users/{userId}
#   mergeInto: <endpoint id>          fold into another endpoint of the same method (/users/me -> /users/{userId})
#   split: [/files/export, /files/{name}]   concrete templates; list the template itself to keep it
# method, host, template, calls and confidence are there to read; changing them changes nothing.
`;

/**
 * The review file text for `entries`. Decisions already made (`previous`, from an earlier review file)
 * are kept for the endpoints still listed, so re-writing a review after new traffic adds the new endpoints
 * without losing a reviewer's work.
 */
export function reviewFileText(entries: readonly SpecReviewEntry[], previous?: ReviewFileContent): string {
  const decided = new Map((previous?.decisions ?? []).map((d) => [d.id, d]));
  const body = {
    version: 1,
    ...(previous?.info && Object.keys(previous.info).length ? { info: previous.info } : {}),
    endpoints: entries.map((e) => {
      const d = decided.get(e.id);
      return {
        id: e.id,
        method: e.method,
        host: e.host,
        template: e.template,
        calls: e.calls,
        confidence: e.confidence,
        action: d?.action ?? e.action,
        ...(d?.rename ? { rename: d.rename } : {}),
        ...(d?.mergeInto ? { mergeInto: d.mergeInto } : {}),
        ...(d?.split ? { split: d.split } : {}),
      };
    }),
  };
  return HEADER + stringify(body, { lineWidth: 0 });
}

export interface ReviewFileContent {
  info?: SpecGenerateInfo;
  decisions: ReviewDecision[];
}

/** Reads a review file. Missing: `not_found`; anything else wrong: `invalid_input` naming the file, line and field. */
export function readReviewFile(file: string): ReviewFileContent {
  return parseReviewText(readBoundedFile(file, `review file ${file}`, MAX_REVIEW_BYTES), file);
}

export function parseReviewText(text: string, file: string): ReviewFileContent {
  const data = parseYamlWith(SpecReviewFile, text, `review file ${file}`);
  return {
    ...(data.info ? { info: data.info } : {}),
    decisions: data.endpoints.map((d) => ({ ...d, action: d.action })),
  };
}
