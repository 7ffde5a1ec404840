import { useEffect, useId, useState } from 'react';
import type { HttpMethod } from '../../../../src/contracts/api-event.js';
import type { OwnershipMatch, OwnershipMatchKind, OwnershipRule, OwnershipRuleTrial, OwnershipTestRequest, OwnershipTestResult } from '../../../../src/contracts/ownership.js';
import { useApp } from '../../app-context.js';
import { ErrorBanner, Loaded, Notice } from '../../components/feedback.js';
import { Field, FormEnd, SubmitButton } from '../../components/form.js';
import { PageHeader, Section } from '../../components/page.js';
import { useAction } from '../../components/use-action.js';
import { useApplications } from '../../components/use-directory.js';
import { formatNumber } from '../../format.js';
import { criticalityLabel, HTTP_METHOD_OPTIONS } from '../../labels.js';
import { href, pathOf } from '../../router.js';
import { useLoad } from '../../use-load.js';

const KIND_LABELS: Record<OwnershipMatchKind, string> = {
  host: 'Host (and path prefix)',
  specTitle: 'Spec title',
  specTag: 'Spec operation tag',
  specOwner: 'Spec owner (x-owner or info.contact)',
};
const KINDS = Object.keys(KIND_LABELS) as OwnershipMatchKind[];

/** A rule as the editor holds it: one value for whichever kind it matches by. */
interface RuleDraft {
  key: number;
  id: string;
  application: string;
  kind: OwnershipMatchKind;
  value: string;
  pathPrefix: string;
  note: string;
}

function kindOf(m: OwnershipMatch): OwnershipMatchKind {
  return KINDS.find((k) => m[k] !== undefined) ?? 'host';
}

function toDraft(r: OwnershipRule, key: number): RuleDraft {
  const kind = kindOf(r.match);
  return { key, id: r.id, application: r.application, kind, value: r.match[kind] ?? '', pathPrefix: r.match.pathPrefix ?? '', note: r.note ?? '' };
}

function toRule(d: RuleDraft): OwnershipRule {
  const value = d.value.trim();
  const match: OwnershipMatch = d.kind === 'host' ? { host: value, ...(d.pathPrefix.trim() ? { pathPrefix: d.pathPrefix.trim() } : {}) } : { [d.kind]: value };
  return { id: d.id.trim(), application: d.application, match, ...(d.note.trim() ? { note: d.note.trim() } : {}) };
}

/** "host api.shop.example /v1", "spec tag payments": a rule's match in a few words. */
function matchText(m: OwnershipMatch): string {
  const kind = kindOf(m);
  if (kind === 'host') return `host ${m.host ?? ''}${m.pathPrefix ? ` path ${m.pathPrefix}` : ''}`;
  return `${KIND_LABELS[kind].replace(/ \(.*\)$/, '').toLowerCase()} “${m[kind] ?? ''}”`;
}

export function OwnershipPage() {
  const { can } = useApp();
  return (
    <div className="page">
      <PageHeader
        title="Ownership rules"
        subtitle="Which application owns an endpoint: the rules are tried in order and the first match wins. An endpoint no rule claims is unowned."
        actions={
          <a className="btn" href={href('/settings/applications')}>
            Applications
          </a>
        }
      />
      <RuleEditor manage={can('applications:manage')} />
      <OwnerTester />
    </div>
  );
}

function RuleEditor({ manage }: { manage: boolean }) {
  const { api } = useApp();
  const rules = useLoad(() => api.ownershipRules(), 'ownership-rules');
  // Kept here: the list below starts afresh from what the server saved.
  const [result, setResult] = useState<string | null>(null);
  return (
    <Section title="Rules, in order">
      <Loaded load={rules}>
        {(r) => (
          <RuleList
            key={JSON.stringify(r.rules)}
            saved={r.rules}
            manage={manage}
            onSaving={() => setResult(null)}
            onSaved={(message) => {
              setResult(message);
              rules.reload();
            }}
          />
        )}
      </Loaded>
      {result && <Notice tone="success">{result}</Notice>}
    </Section>
  );
}

function RuleList({
  saved,
  manage,
  onSaving,
  onSaved,
}: {
  saved: OwnershipRule[];
  manage: boolean;
  onSaving: () => void;
  onSaved: (message: string) => void;
}) {
  const { api } = useApp();
  const apps = useApplications();
  const [drafts, setDrafts] = useState<RuleDraft[]>(() => saved.map(toDraft));
  const [nextKey, setNextKey] = useState(saved.length);
  const save = useAction();
  const dirty = JSON.stringify(drafts.map(toRule)) !== JSON.stringify(saved);
  const appName = (id: string) => apps.names.get(id) ?? id;

  const update = (key: number, patch: Partial<RuleDraft>) => setDrafts(drafts.map((d) => (d.key === key ? { ...d, ...patch } : d)));
  const move = (i: number, by: -1 | 1) => {
    const next = [...drafts];
    const [d] = next.splice(i, 1);
    next.splice(i + by, 0, d!);
    setDrafts(next);
  };
  const add = () => {
    const used = new Set(drafts.map((d) => d.id));
    let n = drafts.length + 1;
    while (used.has(`rule-${n}`)) n++;
    setDrafts([...drafts, { key: nextKey, id: `rule-${n}`, application: apps.items[0]?.id ?? '', kind: 'host', value: '', pathPrefix: '', note: '' }]);
    setNextKey(nextKey + 1);
  };

  if (!manage) {
    return saved.length === 0 ? (
      <p className="empty">No rules yet: every endpoint is unowned.</p>
    ) : (
      <ol className="rule-list">
        {saved.map((r) => (
          <li key={r.id} className="rule-row-read">
            <span className="mono">{r.id}</span> <span className="muted">→</span> <strong>{appName(r.application)}</strong> <span className="muted">when</span>{' '}
            <span className="mono">{matchText(r.match)}</span>
            {r.note && <div className="small muted">{r.note}</div>}
          </li>
        ))}
      </ol>
    );
  }

  return (
    <form
      aria-label="Ownership rules"
      onSubmit={save.onSubmit(async () => {
        onSaving();
        const r = await api.replaceOwnershipRules({ rules: drafts.map(toRule) });
        onSaved(
          `Saved ${formatNumber(r.rules.length)} ${r.rules.length === 1 ? 'rule' : 'rules'}; ${formatNumber(r.endpointsReassigned)} ${r.endpointsReassigned === 1 ? 'endpoint' : 'endpoints'} changed application.`,
        );
      })}
    >
      {drafts.length === 0 && <p className="empty">No rules yet: every endpoint is unowned. Add one, or give an application host matchers.</p>}
      <ol className="rule-list">
        {drafts.map((d, i) => (
          <RuleRow
            key={d.key}
            d={d}
            index={i}
            last={i === drafts.length - 1}
            appOptions={apps.items.map((a) => ({ value: a.id, label: a.name }))}
            onChange={(patch) => update(d.key, patch)}
            onMove={(by) => move(i, by)}
            onRemove={() => setDrafts(drafts.filter((x) => x.key !== d.key))}
          />
        ))}
      </ol>
      <ErrorBanner error={save.error} />
      <div className="form-actions">
        <button type="button" className="btn" onClick={add} disabled={apps.items.length === 0}>
          Add rule
        </button>
        <SubmitButton busy={save.busy} busyLabel="Saving…">
          Save rules
        </SubmitButton>
        {dirty && (
          <button type="button" className="btn" onClick={() => setDrafts(saved.map(toDraft))}>
            Discard changes
          </button>
        )}
        {dirty && <span className="warn-text small">Unsaved changes: saving replaces the whole list.</span>}
      </div>
    </form>
  );
}

function RuleRow({
  d,
  index,
  last,
  appOptions,
  onChange,
  onMove,
  onRemove,
}: {
  d: RuleDraft;
  index: number;
  last: boolean;
  appOptions: Array<{ value: string; label: string }>;
  onChange: (patch: Partial<RuleDraft>) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const n = index + 1;
  const known = appOptions.some((o) => o.value === d.application);
  return (
    <li className="rule-row" aria-label={`Rule ${n}: ${d.id}`}>
      <span className="rule-index" aria-hidden="true">
        {n}
      </span>
      <div className="rule-fields">
        <Field label={`Rule ${n} id`}>
          <input type="text" required maxLength={100} pattern="[A-Za-z0-9][A-Za-z0-9._:\-]*" value={d.id} onChange={(e) => onChange({ id: e.target.value })} />
        </Field>
        <Field label={`Rule ${n} application`}>
          <select required value={d.application} onChange={(e) => onChange({ application: e.target.value })}>
            {!known && <option value={d.application}>{d.application || 'Choose…'}</option>}
            {appOptions.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label={`Rule ${n} matches by`}>
          <select value={d.kind} onChange={(e) => onChange({ kind: e.target.value as OwnershipMatchKind })}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </Field>
        <Field label={d.kind === 'host' ? `Rule ${n} host` : `Rule ${n} value`}>
          <input
            type="text"
            required
            maxLength={d.kind === 'host' ? 253 : 300}
            value={d.value}
            placeholder={d.kind === 'host' ? 'api.example.com or *.example.com' : d.kind === 'specTag' ? 'payments' : d.kind === 'specOwner' ? 'team-payments@example.com' : 'Payments API'}
            onChange={(e) => onChange({ value: e.target.value })}
          />
        </Field>
        {d.kind === 'host' && (
          <Field label={`Rule ${n} path prefix`} optional>
            <input type="text" maxLength={512} pattern="/.*" title="Starts with /" value={d.pathPrefix} placeholder="/billing" onChange={(e) => onChange({ pathPrefix: e.target.value })} />
          </Field>
        )}
        <Field label={`Rule ${n} note`} optional>
          <input type="text" maxLength={500} value={d.note} onChange={(e) => onChange({ note: e.target.value })} />
        </Field>
      </div>
      <div className="rule-actions">
        <button type="button" className="btn btn-small" disabled={index === 0} onClick={() => onMove(-1)}>
          Move up<span className="visually-hidden"> rule {n}</span>
        </button>
        <button type="button" className="btn btn-small" disabled={last} onClick={() => onMove(1)}>
          Move down<span className="visually-hidden"> rule {n}</span>
        </button>
        <button type="button" className="btn btn-small" onClick={onRemove}>
          Remove<span className="visually-hidden"> rule {n}</span>
        </button>
      </div>
    </li>
  );
}

// ---- "which owner gets this endpoint?" --------------------------------------------------------------------

function OwnerTester() {
  const { api, can } = useApp();
  const apps = useApplications();
  const test = useAction();
  const [mode, setMode] = useState<'path' | 'endpoint'>('path');
  const [host, setHost] = useState('');
  const [path, setPath] = useState('/');
  const [method, setMethod] = useState('');
  const [endpointId, setEndpointId] = useState('');
  const [result, setResult] = useState<OwnershipTestResult | null>(null);
  const modeName = useId();
  // A new question clears the last answer, so that an answer never shows beside the wrong question.
  useEffect(() => setResult(null), [mode, host, path, method, endpointId]);

  const body = (): OwnershipTestRequest =>
    mode === 'endpoint' ? { endpointId: endpointId.trim() } : { host: host.trim(), path: path.trim(), ...(method ? { method: method as HttpMethod } : {}) };

  return (
    <Section title="Which owner gets this endpoint?">
      <form
        className="form-stack"
        aria-label="Test the ownership rules"
        onSubmit={test.onSubmit(async () => {
          setResult(await api.testOwnership(body()));
        })}
      >
        <div className="radio-row" role="radiogroup" aria-label="Test by">
          <label className="checkbox">
            <input type="radio" name={modeName} checked={mode === 'path'} onChange={() => setMode('path')} />
            Host and path
          </label>
          <label className="checkbox">
            <input type="radio" name={modeName} checked={mode === 'endpoint'} onChange={() => setMode('endpoint')} />
            Endpoint id
          </label>
        </div>
        {mode === 'path' ? (
          <div className="form-grid tester-grid">
            <Field label="Host">
              <input type="text" required maxLength={253} value={host} placeholder="api.shop.example" onChange={(e) => setHost(e.target.value)} />
            </Field>
            <Field label="Path">
              <input type="text" required maxLength={2048} pattern="/.*" title="Starts with /" value={path} onChange={(e) => setPath(e.target.value)} />
            </Field>
            <Field label="Method" optional>
              <select value={method} onChange={(e) => setMethod(e.target.value)}>
                <option value="">Any</option>
                {HTTP_METHOD_OPTIONS.map((m) => (
                  <option key={m} value={m}>
                    {m}
                  </option>
                ))}
              </select>
            </Field>
          </div>
        ) : (
          <Field label="Endpoint id">
            <input type="text" required maxLength={200} value={endpointId} onChange={(e) => setEndpointId(e.target.value)} />
            <span className="field-hint">The id in an endpoint page's address.</span>
          </Field>
        )}
        <FormEnd action={test} busyLabel="Testing…">
          Test
        </FormEnd>
      </form>
      {result && <TestAnswer r={result} canInventory={can('inventory:read')} names={apps.names} />}
    </Section>
  );
}

function TestAnswer({ r, canInventory, names }: { r: OwnershipTestResult; canInventory: boolean; names: ReadonlyMap<string, string> }) {
  const s = r.subject;
  return (
    <div className="tester-answer" role="status" aria-label="Ownership test result">
      <p>
        <span className="mono break">
          {s.method ? `${s.method} ` : ''}
          {s.host}
          {s.path}
        </span>
        {s.endpointId && canInventory && (
          <>
            {' '}
            (<a href={href(pathOf('endpoints', s.endpointId))}>endpoint</a>)
          </>
        )}
        {s.spec && (
          <span className="small muted">
            {' '}
            · documented by {s.spec.title ?? s.spec.name}
            {s.spec.owners.length > 0 && `, owners ${s.spec.owners.join(', ')}`}
            {s.spec.operationTags && s.spec.operationTags.length > 0 && `, tags ${s.spec.operationTags.join(', ')}`}
          </span>
        )}
      </p>
      {r.matched && r.application ? (
        <Notice tone="success">
          <span>
            <strong>{r.application.name}</strong>
            {r.application.team && ` (team ${r.application.team})`}, criticality {criticalityLabel(r.application.criticality).toLowerCase()}: rule {r.matched.index + 1}{' '}
            <span className="mono">{r.matched.ruleId}</span> matched — {r.matched.reason}
          </span>
        </Notice>
      ) : (
        <Notice tone="warn">
          <span>
            <strong>Unowned:</strong> no rule matches.
          </span>
        </Notice>
      )}
      {r.tried.length > 0 && (
        <>
          <h3 className="h-small">{r.matched ? 'Earlier rules, and why they did not match' : 'Every rule, and why it did not match'}</h3>
          <ol className="plain-list trial-list">
            {r.tried.map((t) => (
              <Trial key={`${t.index}-${t.ruleId}`} t={t} names={names} />
            ))}
          </ol>
        </>
      )}
      {r.hiddenRules > 0 && (
        <p className="small muted">
          {formatNumber(r.hiddenRules)} {r.hiddenRules === 1 ? 'rule' : 'rules'} of applications outside your scope are not shown.
        </p>
      )}
    </div>
  );
}

function Trial({ t, names }: { t: OwnershipRuleTrial; names: ReadonlyMap<string, string> }) {
  return (
    <li>
      <span className="small muted">Rule {t.index + 1}</span> <span className="mono">{t.ruleId}</span> ({names.get(t.application) ?? t.application},{' '}
      <span className="mono">{matchText(t.match)}</span>): {t.reason}
    </li>
  );
}

