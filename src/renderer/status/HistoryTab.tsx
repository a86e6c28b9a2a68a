import { useApi } from '../api/api-context';
import { ErrorMessage, errorText } from '../components/ErrorMessage';
import { StatusBadge } from '../components/StatusBadge';
import { toneOfOutcome } from '../components/tone';
import { formatBytes, formatDuration, formatTime } from '../format';
import { labelOf, useLang } from '../i18n/lang-context';
import { useRequest } from './use-request';

/** Past runs, newest first; reloads whenever a run ends (a new snapshot arrives). */
export function HistoryTab({ refreshKey }: { refreshKey: unknown }) {
  const api = useApi();
  const { lang, t } = useLang();
  const { data, error, reload } = useRequest(() => api.invoke('agent:get-history', { limit: 200 }), [api, refreshKey]);
  const none = t('status.unknown');
  return (
    <div>
      <div className="toolbar">
        <button type="button" className="btn" onClick={reload}>
          {t('history.refresh')}
        </button>
      </div>
      {error && <ErrorMessage error={error} />}
      {data && data.length === 0 && <p className="muted">{t('history.empty')}</p>}
      {data && data.length > 0 && (
        <div className="table-wrap">
          <table className="grid" data-testid="history-table">
            <thead>
              <tr>
                <th scope="col">{t('history.time')}</th>
                <th scope="col">{t('history.app')}</th>
                <th scope="col">{t('history.fromTo')}</th>
                <th scope="col">{t('history.bytes')}</th>
                <th scope="col">{t('history.duration')}</th>
                <th scope="col">{t('history.result')}</th>
                <th scope="col">{t('history.error')}</th>
              </tr>
            </thead>
            <tbody>
              {data.map((run) => (
                <tr key={run.runId}>
                  <td className="nowrap">{formatTime(run.startedAt)}</td>
                  <td>{run.appId}</td>
                  <td className="nowrap">
                    {run.from ?? none} → {run.to ?? none}
                  </td>
                  <td className="num">{formatBytes(run.bytesMoved)}</td>
                  <td className="num">{formatDuration(run.durationMs, t)}</td>
                  <td>
                    <StatusBadge tone={toneOfOutcome(run.outcome)} label={labelOf(t, 'outcome', run.outcome)} />
                  </td>
                  <td className="error-cell">
                    {run.error ? (
                      <>
                        <code>{run.error.code}</code>
                        <span className="small muted block">{errorText(run.error, lang)}</span>
                      </>
                    ) : (
                      none
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
