import { useState, type FormEvent } from 'react';
import { useApi } from '../api/api-context';
import { ErrorMessage, errorText } from '../components/ErrorMessage';
import { StatusBadge } from '../components/StatusBadge';
import { toneOfResult } from '../components/tone';
import { formatTime } from '../format';
import { labelOf, useLang } from '../i18n/lang-context';
import { useRequest } from './use-request';

/** The same rule main enforces (ipc-schemas.ts): checked here first so a typo gets a sentence, not a refusal. */
const PREFIX = /^[\w.-]{0,64}$/;

/** What every machine reported to the database: versions, last result, who went silent; filtered by ward prefix. */
export function FleetTab() {
  const api = useApi();
  const { lang, t } = useLang();
  const [input, setInput] = useState('');
  const [prefix, setPrefix] = useState('');
  const [silentOnly, setSilentOnly] = useState(false);
  const { data, error, loading, reload } = useRequest(() => api.invoke('agent:get-fleet', prefix ? { prefix } : {}), [api, prefix]);
  const valid = PREFIX.test(input.trim());
  const none = t('status.unknown');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!valid) return;
    if (input.trim() === prefix) reload();
    else setPrefix(input.trim());
  };

  const rows = (data?.rows ?? []).filter((r) => !silentOnly || r.silent);
  const machines = new Set((data?.rows ?? []).map((r) => r.machine));
  const silentMachines = new Set((data?.rows ?? []).filter((r) => r.silent).map((r) => r.machine));
  return (
    <div>
      <form className="toolbar" onSubmit={submit}>
        <label>
          {t('fleet.prefix')}{' '}
          <input
            type="text"
            value={input}
            maxLength={64}
            placeholder={t('fleet.prefixPlaceholder')}
            aria-invalid={!valid}
            aria-describedby={valid ? undefined : 'fleet-prefix-error'}
            onChange={(e) => setInput(e.target.value)}
            data-testid="fleet-prefix"
          />
        </label>
        <button type="submit" className="btn btn-primary" disabled={!valid || loading}>
          {t('fleet.refresh')}
        </button>
        <label className="check-label">
          <input type="checkbox" checked={silentOnly} onChange={(e) => setSilentOnly(e.target.checked)} /> {t('fleet.silentOnly')}
        </label>
      </form>
      {!valid && (
        <p id="fleet-prefix-error" className="field-error" role="alert">
          {t('fleet.prefixInvalid')}
        </p>
      )}
      {loading && !data && <p className="muted">{t('fleet.loading')}</p>}
      {error && <ErrorMessage error={error} />}
      {data?.error && <ErrorMessage error={data.error} />}
      {data && !data.error && (
        <>
          <p className="fleet-summary" role="status">
            {t('fleet.summary', { machines: machines.size, silent: silentMachines.size, hours: data.silentHours })} · {t('fleet.generatedAt', { time: formatTime(data.generatedAt) ?? none })}
          </p>
          {data.countsByVersion.length > 0 && (
            <ul className="version-counts" aria-label={t('fleet.versions')}>
              {data.countsByVersion.map((c) => (
                <li key={`${c.app}-${c.version ?? ''}`}>{t('fleet.versionCount', { app: c.app, version: c.version ?? t('fleet.noVersion'), count: c.count })}</li>
              ))}
            </ul>
          )}
          {rows.length === 0 && <p className="muted">{t('fleet.empty')}</p>}
          {rows.length > 0 && (
            <div className="table-wrap">
              <table className="grid" data-testid="fleet-table">
                <thead>
                  <tr>
                    <th scope="col">{t('fleet.machine')}</th>
                    <th scope="col">{t('fleet.app')}</th>
                    <th scope="col">{t('fleet.installed')}</th>
                    <th scope="col">{t('fleet.target')}</th>
                    <th scope="col">{t('fleet.result')}</th>
                    <th scope="col">{t('fleet.reportedAt')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={`${r.machine}-${r.app}`} className={r.silent ? 'row-silent' : undefined}>
                      <td>
                        <strong>{r.machine}</strong>
                        <span className="small muted block">{r.user}</span>
                      </td>
                      <td>{r.app}</td>
                      <td>
                        <span className="nowrap">{r.installedVersion ?? none}</span>
                        {r.installedVersion && r.targetVersion && r.installedVersion !== r.targetVersion && (
                          <span className="block">
                            <StatusBadge tone="warn" label={t('status.mismatch')} />
                          </span>
                        )}
                      </td>
                      <td className="nowrap">{r.targetVersion ?? none}</td>
                      <td className="error-cell">
                        <StatusBadge tone={toneOfResult(r.state)} label={labelOf(t, ['outcome', 'state'], r.state)} />
                        {r.errorCode && <code className="block">{r.errorCode}</code>}
                        {r.messageZh && lang === 'zh' && <span className="small muted block">{r.messageZh}</span>}
                      </td>
                      <td className="nowrap">
                        {formatTime(r.reportedAt)}
                        <span className="block">
                          {r.silent ? <StatusBadge tone="warn" label={t('fleet.silent')} /> : <StatusBadge tone="ok" label={t('fleet.online')} />}
                        </span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}
