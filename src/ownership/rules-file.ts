import { stringify } from 'yaml';
import type { Application } from '../contracts/identity.js';
import { OwnershipFile, type OwnershipRule } from '../contracts/ownership.js';
import { parseYamlWith, readBoundedFile } from '../util/yaml-file.js';

/**
 * The ownership rules file: every application and the ordered rules, in YAML (or JSON), kept in a
 * repository and applied with `bulwark owners apply`. See docs/ownership.md.
 */

/** 1,000 applications and 1,000 rules are well under 1 MiB; anything far larger is a mistake. */
export const MAX_RULES_FILE_BYTES = 4 * 1024 * 1024;

const HEADER = `# Bulwark ownership rules: which application owns each endpoint. Keep it in a repository and apply it
# with: bulwark owners apply <this file> (--dry-run first). See docs/ownership.md.
# Rules are tried in order; the first that matches an endpoint names its application. A match is one of:
#   { host: api.shop.example, pathPrefix: /v1 }   host (exact, any case, "*.example.com" for sub-domains), optional path prefix
#   { specTitle: Payments API }                   the spec that documents the endpoint (info.title or its name)
#   { specTag: payments }                         a tag of the operation that documents it
#   { specOwner: payments-team }                  the spec's x-owner, or its info.contact email or name
# Applications not listed here are deleted when the file is applied; "owners" (user ids) may be left out.
`;

/** The file text for the current applications and rules (what `owners export` writes). */
export function ownershipFileText(applications: readonly Application[], rules: readonly OwnershipRule[]): string {
  const body = {
    version: 1,
    applications: applications.map((a) => ({
      id: a.id,
      name: a.name,
      team: a.team,
      contacts: a.contacts,
      criticality: a.criticality,
      dataTags: a.dataTags,
      owners: a.owners,
    })),
    rules: rules.map((r) => ({ id: r.id, application: r.application, match: r.match, ...(r.note !== undefined ? { note: r.note } : {}) })),
  };
  return HEADER + stringify(body, { lineWidth: 0 });
}

/** Validates a rules file; the first problem is an `invalid_input` naming the file, line, column and field. */
export function parseOwnershipFile(text: string, file: string): OwnershipFile {
  return parseYamlWith(OwnershipFile, text, `rules file ${file}`);
}

/** Reads and validates a rules file; missing: `not_found`. */
export function readOwnershipFile(file: string): OwnershipFile {
  return parseOwnershipFile(readBoundedFile(file, `rules file ${file}`, MAX_RULES_FILE_BYTES), file);
}
