import type { DriftKind, SpecCoverage } from '../../../src/contracts/conformance.js';
import { href, pathOf } from '../router.js';
import { MethodBadge } from './badges.js';

/** What each drift kind means, as a reader of the spec page says it. */
export const DRIFT_KIND_LABELS: Readonly<Record<DriftKind, string>> = Object.freeze({
  'undocumented-parameter': 'Undocumented parameter',
  'missing-required-parameter': 'Required parameter missing',
  'parameter-schema': 'Parameter outside its schema',
  'request-body-schema': 'Request body outside its schema',
  'undocumented-status': 'Undocumented status',
  'undocumented-content-type': 'Undocumented content type',
  'response-body-schema': 'Response body outside its schema',
});

/** The inventory's compact coverage cell: documented (with spec and version), shadow, or no spec. */
export function CoverageBadge({ coverage }: { coverage: SpecCoverage | null }) {
  if (!coverage) {
    return (
      <span className="muted small" title="No registered spec covers this host">
        No spec
      </span>
    );
  }
  const spec = `${coverage.specName} v${coverage.version}`;
  if (coverage.status === 'shadow') {
    return (
      <span className="tag tag-warn" title={`Shadow: ${spec} covers this host, but no operation matches`}>
        Shadow
      </span>
    );
  }
  const op = coverage.operation;
  return (
    <a className="tag" href={href(pathOf('specs', coverage.specId))} title={op ? `Documented by ${spec}: ${op.method} ${op.path}${op.deprecated ? ' (deprecated)' : ''}` : `Documented by ${spec}`}>
      {spec}
      {op?.deprecated ? ' · deprecated' : ''}
    </a>
  );
}

/** The endpoint page's sentence: which spec and operation document it, or why none does. */
export function CoverageLine({ coverage }: { coverage: SpecCoverage | null | undefined }) {
  if (!coverage) return <span className="muted">No registered spec covers this host</span>;
  const specLink = (
    <a href={href(pathOf('specs', coverage.specId))}>
      {coverage.specName} v{coverage.version}
    </a>
  );
  if (coverage.status === 'shadow') {
    return (
      <span>
        <span className="tag tag-warn">Shadow</span> not in any spec ({specLink} covers this host)
      </span>
    );
  }
  const op = coverage.operation;
  return (
    <span>
      Documented by {specLink}
      {op && (
        <>
          {' '}
          <MethodBadge method={op.method} /> <span className="mono">{op.path}</span>
          {op.deprecated && (
            <>
              {' '}
              <span className="tag tag-warn" title="The operation is deprecated but still called: a zombie">
                Deprecated
              </span>
            </>
          )}
        </>
      )}
    </span>
  );
}
