import type { CaseResolution, ThreatCase, ThreatIssue } from '../contracts/cases.js';
import type { Finding } from '../contracts/finding.js';
import { fingerprint } from '../risk/findings.js';
import { categoryRemediation, categoryTitle } from './categories.js';

/** The rule id of findings made by "flag for a fix". */
export const FLAG_RULE_ID = 'threat-flagged-for-fix';

/** CWE-693 (protection mechanism failure) when the top issue names no CWE. */
const FALLBACK_CWE = 'CWE-693';

const RESOLUTION_WORDS: Record<CaseResolution, string> = { 'true-positive': 'true positive', 'false-positive': 'false positive', benign: 'benign activity' };

/** Where the finding goes: the case's main endpoint (most issues), or its host when no issue had one. */
export interface FlagPlace {
  endpointId: string | null;
  host: string;
  method: string | null;
  pathTemplate: string | null;
}

/**
 * The finding "flag for a fix" creates: on the case's main endpoint, OWASP and CWE of its top issue (most
 * severe, then most events), remediation of the top issue's category. Its id is the fingerprint of rule,
 * place and category, so flagging again (this case or another case of the same attack on the same
 * endpoint) refreshes one finding instead of adding another.
 *
 * @example
 * flagFinding(c, top, 14, place, 'parameter q of /search')
 * // { ruleId: 'threat-flagged-for-fix', evidence: { summary: 'Case C-12: 14 SQL injection issues from principal 3f2a9c1b (true positive)' }, ... }
 */
export function flagFinding(c: ThreatCase, top: ThreatIssue, categoryIssues: number, place: FlagPlace, note: string | undefined): Finding {
  const title = categoryTitle(top.category);
  const resolution = c.resolution === null ? '' : ` (${RESOLUTION_WORDS[c.resolution]})`;
  const evidence: Finding['evidence'] = {
    summary: `Case ${c.ref}: ${categoryIssues} ${title} issue${categoryIssues === 1 ? '' : 's'} from ${c.actor.label}${resolution}`,
    location: `${top.location.where}${top.location.name ? ` ${top.location.name}` : ''}`,
  };
  if (top.evidence) evidence.sample = top.evidence;
  const noteText = note?.trim() ? `\n\nAnalyst note: ${note.trim()}` : '';
  return {
    id: fingerprint(FLAG_RULE_ID, place.endpointId ?? `host:${place.host}`, top.category),
    ruleId: FLAG_RULE_ID,
    title: `Flagged for a fix: ${title}`,
    severity: c.severity,
    owasp: top.owasp,
    cwe: /^CWE-\d+$/.test(top.cwe) ? top.cwe : FALLBACK_CWE,
    endpointId: place.endpointId,
    host: place.host,
    method: place.method,
    pathTemplate: place.pathTemplate,
    evidence,
    remediation: `${categoryRemediation(top.category)}${noteText}`,
    firstSeen: c.firstSeen,
    lastSeen: c.lastSeen,
    count: 1,
    status: 'open',
  };
}
