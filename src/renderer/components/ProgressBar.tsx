/** An accessible bar: screen readers (and the e2e test) read aria-valuenow; the width is set via CSSOM, which the CSP allows. */
export function ProgressBar({ percent, label, valueText }: { percent: number; label: string; valueText: string }) {
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-valuetext={valueText}>
      <div className="progress-fill" style={{ width: `${percent}%` }} />
      <span className="progress-text" aria-hidden="true">
        {percent}%
      </span>
    </div>
  );
}
