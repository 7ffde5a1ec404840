import { formatNumber } from '../format.js';

/**
 * One key figure (dashboard, case queue): its label, the number, an optional detail line, and a link to
 * the filtered list it counts. `tone` marks figures that need attention (`warn`, or a severity).
 *
 * @example <Tile label="New cases" value={summary.new} link={href('/cases', { status: 'new' })} tone="warn" />
 */
export function Tile({ label, value, detail, link, tone }: { label: string; value: number; detail?: string; link?: string; tone?: string }) {
  const body = (
    <>
      <span className="tile-label">{label}</span>
      <span className="tile-value">{formatNumber(value)}</span>
      {detail && <span className="tile-detail">{detail}</span>}
    </>
  );
  const className = `tile${tone ? ` tile-${tone}` : ''}`;
  return link ? (
    <a className={`${className} tile-link`} href={link}>
      {body}
      <span className="visually-hidden">: open the filtered list</span>
    </a>
  ) : (
    <div className={className}>{body}</div>
  );
}
