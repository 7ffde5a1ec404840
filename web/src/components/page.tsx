import { useId, type ReactNode } from 'react';
import type { Load } from '../use-load.js';
import { Loaded } from './feedback.js';

/**
 * A page's heading. `tabIndex={-1}` lets the shell move focus here after a navigation (see `Shell`),
 * so that screen-reader and keyboard users land on the new content: a hash change resets nothing.
 */
export function PageHeader({ title, subtitle, actions }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div className="page-title">
        <h1 tabIndex={-1}>
          {title}
        </h1>
        {subtitle && <div className="page-subtitle">{subtitle}</div>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}

export function Section({ title, id, children, actions }: { title: string; id?: string; children: ReactNode; actions?: ReactNode }) {
  const headingId = useId();
  return (
    <section className="card" aria-labelledby={headingId} id={id}>
      <div className="card-header">
        <h2 id={headingId}>{title}</h2>
        {actions}
      </div>
      <div className="card-body">{children}</div>
    </section>
  );
}

/**
 * One entry of a `<dl className="facts">` strip (an endpoint's or a finding's key facts). The `<div>`
 * keeps term and value together when the strip wraps on a narrow screen.
 */
export function Fact({ term, title, children }: { term: string; title?: string; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd title={title}>{children}</dd>
    </div>
  );
}

/**
 * A page about one object reached from a list (an endpoint, a finding): the breadcrumb back to the list,
 * then the object once loaded. When loading fails the page still gets its `h1` (`kind`), so that the
 * focus moved there after a navigation and the document outline have a place to land.
 */
export function DetailPage<T>({ list, kind, load, children }: { list: { label: string; href: string }; kind: string; load: Load<T>; children: (data: T) => ReactNode }) {
  return (
    <div className="page">
      <p className="breadcrumb">
        <a href={list.href}>{list.label}</a> <span aria-hidden="true">›</span> {kind}
      </p>
      {load.error !== undefined && !load.data && <PageHeader title={kind} />}
      <Loaded load={load}>{children}</Loaded>
    </div>
  );
}
