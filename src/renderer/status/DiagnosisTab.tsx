import { useState } from 'react';
import type { AppView, CheckStatus, DiagnosisReportView } from '../../shared/api-types';
import { useApi } from '../api/api-context';
import { ErrorMessage } from '../components/ErrorMessage';
import { StatusBadge } from '../components/StatusBadge';
import { toneOfCheck } from '../components/tone';
import { formatBytes, formatDuration } from '../format';
import { useLang } from '../i18n/lang-context';
import { useAction } from '../nurse/use-action';

const ORDER: CheckStatus[] = ['fail', 'warn', 'pass', 'skip'];

/** Runs the diagnosis on demand and lists every check with its evidence and fix; exports the support bundle. */
export function DiagnosisTab({ apps }: { apps: AppView[] }) {
  const api = useApi();
  const { lang, t } = useLang();
  const [selected, setSelected] = useState<string | null>(null);
  // The diagnosis covers one app; until someone picks another, the first configured one.
  const appId = selected ?? apps[0]?.id ?? '';
  const [report, setReport] = useState<DiagnosisReportView | null>(null);
  const [bundle, setBundle] = useState<{ path: string; bytes: number } | null>(null);
  const diagnose = useAction();
  const exporting = useAction();

  const run = () =>
    void diagnose.run(async () => {
      setReport(null);
      setReport(await api.invoke('agent:run-diagnosis', appId ? { appId } : {}));
    });
  const exportBundle = () =>
    void exporting.run(async () => {
      setBundle(null);
      setBundle(await api.invoke('agent:export-bundle'));
    });

  const checks = report ? [...report.checks].sort((a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status)) : [];
  return (
    <div>
      <div className="toolbar">
        {apps.length > 1 && (
          <label>
            {t('diag.app')}{' '}
            <select value={appId} onChange={(e) => setSelected(e.target.value)}>
              {apps.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.displayName}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="button" className="btn btn-primary" disabled={diagnose.busy} onClick={run}>
          {diagnose.busy ? t('diag.running') : t('diag.run')}
        </button>
        <button type="button" className="btn" disabled={exporting.busy} onClick={exportBundle}>
          {exporting.busy ? t('diag.exporting') : t('diag.export')}
        </button>
      </div>
      {bundle && (
        <p className="note tone-ok" role="status">
          <StatusBadge tone="ok" label={t('diag.exported', { path: bundle.path, size: formatBytes(bundle.bytes) })} />
        </p>
      )}
      {exporting.error && <ErrorMessage error={exporting.error} />}
      {diagnose.error && <ErrorMessage error={diagnose.error} />}
      {!report && !diagnose.busy && !diagnose.error && <p className="muted">{t('diag.notRun')}</p>}
      {report && (
        <>
          <p className="diag-summary" role="status">
            {t('diag.summary', { ...report.counts, duration: formatDuration(report.durationMs, t) })}
          </p>
          <ul className="checks" data-testid="diagnosis-checks">
            {checks.map((check) => {
              const fix = lang === 'zh' ? check.fixZh : check.fixEn;
              return (
                <li key={check.id} className={`check tone-${toneOfCheck(check.status)}`} data-status={check.status}>
                  <div className="check-head">
                    <StatusBadge tone={toneOfCheck(check.status)} label={t(`check.${check.status}`)} />
                    <strong>{lang === 'zh' ? check.titleZh : check.titleEn}</strong>
                    <span className="muted small">
                      {check.group}
                      {check.errorCode ? ` · ${check.errorCode}` : ''} · {formatDuration(check.durationMs, t)}
                    </span>
                  </div>
                  {check.evidence && (
                    <p className="check-evidence">
                      <span className="label">{t('diag.evidence')}</span>
                      {check.evidence}
                    </p>
                  )}
                  {fix && check.status !== 'pass' && (
                    <p className="check-fix">
                      <span className="label">{t('diag.fix')}</span>
                      {fix}
                    </p>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </div>
  );
}
