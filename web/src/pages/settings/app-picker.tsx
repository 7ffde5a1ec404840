import type { ApplicationView } from '../../../../src/contracts/api.js';

/** Checkboxes for a set of application ids, in a fieldset with a legend. */
export function AppPicker({
  legend,
  apps,
  value,
  onChange,
  hint,
}: {
  legend: string;
  apps: ApplicationView[];
  value: string[];
  onChange: (next: string[]) => void;
  hint?: string;
}) {
  const unknown = value.filter((id) => !apps.some((a) => a.id === id));
  return (
    <fieldset className="fieldset">
      <legend>{legend}</legend>
      {hint && <p className="field-hint">{hint}</p>}
      {apps.length === 0 && <p className="muted small">No applications defined yet.</p>}
      <div className="checkbox-grid">
        {apps.map((a) => (
          <label key={a.id} className="checkbox">
            <input
              type="checkbox"
              checked={value.includes(a.id)}
              onChange={(e) => onChange(e.target.checked ? [...value, a.id] : value.filter((v) => v !== a.id))}
            />
            {a.name}
          </label>
        ))}
        {unknown.map((id) => (
          <label key={id} className="checkbox">
            <input type="checkbox" checked onChange={() => onChange(value.filter((v) => v !== id))} />
            <span className="mono">{id}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
