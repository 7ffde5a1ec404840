import { useState } from 'react';
import type { SeverityCounts, SpecRow } from '../../../src/contracts/spec-registry.js';
import { MAX_SPEC_BYTES } from '../../../src/contracts/limits.js';
import type { SpecQuery, SpecSort } from '../api.js';
import { useApp } from '../app-context.js';
import { SeverityBadge } from '../components/badges.js';
import { ErrorBanner } from '../components/feedback.js';
import { FilterBar, FilterSelect, FilterText } from '../components/filters.js';
import { Field, SubmitButton } from '../components/form.js';
import { listFromQuery, sortCaption, sortFromQuery } from '../components/list-query.js';
import { PageHeader, Section } from '../components/page.js';
import { PagedTable } from '../components/paged-table.js';
import { SortHeader, type Order } from '../components/table.js';
import { useAction } from '../components/use-action.js';
import { useApplications } from '../components/use-directory.js';
import { formatAgo, formatDateTime, formatNumber } from '../format.js';
import { SEVERITIES } from '../labels.js';
import { href, navigate, pathOf, useRoute } from '../router.js';
import { useLoad } from '../use-load.js';

const SORT_DEFAULT_ORDER: Record<SpecSort, Order> = { updated: 'desc', name: 'asc', score: 'asc' };
const FILTER_KEYS = ['search', 'host', 'application'] as const;

export const DIALECT_LABELS: Record<string, string> = { 'swagger-2.0': 'Swagger', 'openapi-3.0': 'OpenAPI', 'openapi-3.1': 'OpenAPI' };

/** "OpenAPI 3.1.0", "Swagger 2.0". */
export function formatLabel(v: { dialect: string; declaredVersion: string }): string {
  return `${DIALECT_LABELS[v.dialect] ?? v.dialect} ${v.declaredVersion}`;
}

/** Open findings of a version by severity, worst first, leaving out the zeros. */
export function SeverityCountList({ counts }: { counts: SeverityCounts }) {
  const present = SEVERITIES.filter((s) => counts[s] > 0);
  if (present.length === 0) return <span className="muted">none</span>;
  return (
    <span className="severity-counts">
      {present.map((s) => (
        <span key={s} className="nowrap">
          <SeverityBadge severity={s} /> {formatNumber(counts[s])}{' '}
        </span>
      ))}
    </span>
  );
}

/** Score out of 100 with its two halves, so the number explains itself. */
export function ScoreCell({ score }: { score: SpecRow['latest']['score'] }) {
  return (
    <span title={`security ${score.security}/70, data validation ${score.dataValidation}/30 (${score.formula})`}>
      <strong>{score.total}</strong>
      <span className="muted">/100</span>
    </span>
  );
}

export function SpecsPage() {
  const { api, can } = useApp();
  const q = useRoute().query;
  const sortProps = sortFromQuery(q, SORT_DEFAULT_ORDER, 'updated');
  const { filters, limit, offset, active, clear } = listFromQuery(q, FILTER_KEYS);
  const query: SpecQuery = { ...filters, limit, offset, sort: sortProps.sort, order: sortProps.order };
  const page = useLoad(() => api.specs(query), JSON.stringify(query));
  const apps = useApplications();

  return (
    <div className="page">
      <PageHeader title="API specifications" subtitle="OpenAPI and Swagger files: every upload is a new version, audited and scored." />
      {can('specs:write') && <UploadSpec />}
      <FilterBar label="Filter specifications" active={active} onClear={clear}>
        <FilterText name="search" label="Search" value={filters.search} placeholder="Name or title" width="wide" />
        <FilterText name="host" label="Host" value={filters.host} type="text" placeholder="api.example.com" />
        {apps.readable && <FilterSelect name="application" label="Application" value={filters.application} options={apps.options} />}
      </FilterBar>
      <PagedTable
        page={page}
        label="Specifications"
        pagerLabel="Specification pages"
        caption={sortCaption('Specifications', sortProps)}
        columns={7}
        empty="No specification yet. Upload one, or run `bulwark spec import <file>`."
        limit={limit}
        offset={offset}
        head={
          <thead>
            <tr>
              <SortHeader label="Specification" sortKey="name" defaultOrder="asc" {...sortProps} />
              <th scope="col">Application</th>
              <th scope="col">Hosts</th>
              <th scope="col">Format</th>
              <SortHeader label="Score" sortKey="score" defaultOrder="asc" {...sortProps} />
              <th scope="col">Findings</th>
              <SortHeader label="Updated" sortKey="updated" {...sortProps} />
            </tr>
          </thead>
        }
      >
        {(s) => (
          <tr key={s.id}>
            <th scope="row">
              <a href={href(pathOf('specs', s.id))}>{s.name}</a>
              <div className="small muted">
                version {s.latestVersion} · {formatNumber(s.latest.operations)} operations
              </div>
            </th>
            <td>{s.application ?? <span className="muted">none</span>}</td>
            <td className="mono small">{s.hosts.length ? s.hosts.join(', ') : <span className="muted">none</span>}</td>
            <td className="nowrap">{formatLabel(s.latest)}</td>
            <td className="num">
              <ScoreCell score={s.latest.score} />
            </td>
            <td>
              <SeverityCountList counts={s.latest.findingCounts} />
            </td>
            <td title={formatDateTime(s.updatedAt)}>{formatAgo(s.updatedAt)}</td>
          </tr>
        )}
      </PagedTable>
    </div>
  );
}

/** Upload a spec file as a new specification (its first version); opens it when done. */
function UploadSpec() {
  const { api } = useApp();
  const [file, setFile] = useState<File | null>(null);
  const upload = useAction();

  return (
    <Section title="Upload a specification">
      <form
        className="form-grid"
        onSubmit={upload.onSubmit(async () => {
          if (!file) throw new Error('Choose a YAML or JSON file first.');
          // The server takes at most this much spec text; refuse bigger files before reading them.
          if (file.size > MAX_SPEC_BYTES) throw new Error(`${file.name} is larger than 16 MiB.`);
          const result = await api.importSpec({ text: await file.text(), fileName: file.name });
          navigate(href(pathOf('specs', result.spec.id)));
        })}
      >
        <div className="form-wide">
          <ErrorBanner error={upload.error} />
        </div>
        <Field label="Specification file (OpenAPI 3.x or Swagger 2.0, YAML or JSON)">
          <input type="file" accept=".yaml,.yml,.json,application/json,application/yaml,text/yaml" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </Field>
        <div className="form-actions">
          <SubmitButton busy={upload.busy} busyLabel="Uploading…">
            Upload and audit
          </SubmitButton>
        </div>
      </form>
    </Section>
  );
}
