import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { updateQuery } from '../router.js';

/**
 * Filter controls bound to a query value of the hash: the URL is the state, so a filtered view is a
 * link that can be shared. Changing a filter goes back to the first page (`offset` removed).
 */
export function FilterText({
  name,
  label,
  value,
  placeholder,
  type = 'search',
  width,
  min,
  max,
  step,
}: {
  name: string;
  label: string;
  value: string;
  placeholder?: string;
  type?: 'search' | 'text' | 'number';
  width?: 'narrow' | 'wide';
  min?: number;
  max?: number;
  step?: number;
}) {
  const [local, setLocal] = useState(value);
  const timer = useRef<number | undefined>(undefined);
  // Follow the URL when it changes from elsewhere (back button, "Clear filters").
  useEffect(() => setLocal(value), [value]);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  function commit(next: string) {
    window.clearTimeout(timer.current);
    updateQuery({ [name]: next.trim(), offset: null }, { replace: true });
  }

  return (
    <label className={`field filter${width ? ` filter-${width}` : ''}`}>
      <span className="field-label">{label}</span>
      <input
        type={type}
        name={name}
        value={local}
        placeholder={placeholder}
        min={min}
        max={max}
        step={step}
        maxLength={type === 'number' ? undefined : 200}
        onChange={(e) => {
          const next = e.target.value;
          setLocal(next);
          window.clearTimeout(timer.current);
          timer.current = window.setTimeout(() => commit(next), 400);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit(e.currentTarget.value);
        }}
        onBlur={(e) => {
          if (e.currentTarget.value.trim() !== value) commit(e.currentTarget.value);
        }}
      />
    </label>
  );
}

export interface Option {
  value: string;
  label: string;
}

export function FilterSelect({ name, label, value, options, anyLabel = 'Any' }: { name: string; label: string; value: string; options: Option[]; anyLabel?: string }) {
  return (
    <label className="field filter">
      <span className="field-label">{label}</span>
      <select name={name} value={value} onChange={(e) => updateQuery({ [name]: e.target.value, offset: null })}>
        <option value="">{anyLabel}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
        {value !== '' && !options.some((o) => o.value === value) && <option value={value}>{value}</option>}
      </select>
    </label>
  );
}

/**
 * The filter form. On a narrow screen it folds behind a "Filters" button (CSS shows the button only
 * there), so the table is not pushed below the fold by ten controls.
 */
export function FilterBar({ label, children, active, onClear }: { label: string; children: ReactNode; active: number; onClear: () => void }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <>
      <div className="filter-toggle-row">
        <button type="button" className="btn btn-small filter-toggle" aria-expanded={open} aria-controls={id} onClick={() => setOpen((o) => !o)}>
          {open ? 'Hide filters' : 'Filters'}
          {active > 0 && (
            <>
              <span className="count-badge" aria-hidden="true">
                {active}
              </span>
              <span className="visually-hidden">, {active} active</span>
            </>
          )}
        </button>
        {active > 0 && !open && (
          <button type="button" className="btn btn-small filter-toggle" onClick={onClear}>
            Clear filters
          </button>
        )}
      </div>
      <form id={id} className={open ? 'filter-bar' : 'filter-bar filter-bar-folded'} role="search" aria-label={label} onSubmit={(e) => e.preventDefault()}>
        {children}
        <div className="filter-actions">
          <button type="button" className="btn btn-small" disabled={active === 0} onClick={onClear}>
            Clear filters
          </button>
        </div>
      </form>
    </>
  );
}

export const YES_NO: Option[] = [
  { value: 'true', label: 'Yes' },
  { value: 'false', label: 'No' },
];

/** A non-negative integer from the query, else the fallback. */
export function intParam(value: string | null, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === null || !/^\d{1,12}$/.test(value)) return fallback;
  return Math.min(Number(value), max);
}
