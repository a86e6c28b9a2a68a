import type { AgentSnapshot, AppView } from '../../shared/api-types';
import { useApi } from '../api/api-context';
import type { LiveApp } from '../api/live-state';
import { isActive } from '../api/live-state';
import { ErrorMessage } from '../components/ErrorMessage';
import { ProgressBar } from '../components/ProgressBar';
import { StatusBadge } from '../components/StatusBadge';
import { toneOfOutcome, toneOfState } from '../components/tone';
import { formatBytes, formatTime, percentOf } from '../format';
import { labelOf, useLang } from '../i18n/lang-context';
import { useAction } from '../nurse/use-action';

/** Per app: the three versions side by side, check times, where updates come from, and the run in progress. */
export function StatusTab({ snapshot, apps, agentBusy }: { snapshot: AgentSnapshot; apps: LiveApp[]; agentBusy: boolean }) {
  const { t } = useLang();
  return (
    <div className="status-tab">
      {snapshot.configError && <ErrorMessage error={snapshot.configError} title={t('status.configError')} />}
      {apps.map((app) => (
        <AppStatus key={app.view.id} app={app} agentBusy={agentBusy} />
      ))}
      <dl className="facts small">
        <dt>{t('status.configFile')}</dt>
        <dd>
          <code>{snapshot.configFile}</code>
        </dd>
        <dt>{t('status.logFile')}</dt>
        <dd>
          <code>{snapshot.logFile}</code>
        </dd>
      </dl>
    </div>
  );
}

function AppStatus({ app, agentBusy }: { app: LiveApp; agentBusy: boolean }) {
  const api = useApi();
  const { t } = useLang();
  const action = useAction();
  const v = app.view;
  const none = t('status.unknown');
  const running = isActive(v.state);
  const error = app.liveError ?? v.lastError;
  const sourceName = labelOf(t, 'versionSource', v.versionSource);
  const usesDb = v.versionSource === 'mssql';
  return (
    <section className="card" aria-labelledby={`status-${v.id}`}>
      <div className="card-head">
        <h2 id={`status-${v.id}`}>
          {v.displayName} <span className="muted">({v.id})</span>
        </h2>
        <StatusBadge tone={toneOfState(v.state)} label={t(`state.${v.state}`)} />
      </div>

      <table className="versions">
        <caption className="sr-only">{t('status.versions')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('status.installed')}</th>
            <th scope="col">{t('status.required')}</th>
            <th scope="col">{t('status.share')}</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td data-testid="version-installed">
              <span className="version">{v.installedVersion ?? none}</span>
              {v.installedVersion && v.targetVersion && (
                <StatusBadge tone={v.installedVersion === v.targetVersion ? 'ok' : 'warn'} label={t(v.installedVersion === v.targetVersion ? 'status.match' : 'status.mismatch')} />
              )}
            </td>
            <td data-testid="version-required">
              {usesDb ? <span className="version">{v.targetVersion ?? none}</span> : <span className="muted">{t('status.requiredNoDb', { source: sourceName })}</span>}
              {!usesDb && v.targetVersion && <span className="muted block">{t('status.targetFrom', { source: `${sourceName} ${v.targetVersion}` })}</span>}
            </td>
            <td data-testid="version-share">
              <span className="version">{v.shareVersion ?? none}</span>
            </td>
          </tr>
        </tbody>
      </table>

      <dl className="facts">
        <dt>{t('status.lastCheck')}</dt>
        <dd>{formatTime(v.lastCheckAt) ?? t('time.never')}</dd>
        <dt>{t('status.lastResult')}</dt>
        <dd>{v.lastResult ? <StatusBadge tone={toneOfOutcome(v.lastResult)} label={labelOf(t, 'outcome', v.lastResult)} /> : none}</dd>
        <dt>{t('status.nextCheck')}</dt>
        <dd>{formatTime(v.nextCheckAt) ?? t('time.notPlanned')}</dd>
        <dt>{t('status.versionSource')}</dt>
        <dd>
          {sourceName} ({v.versionSource})
        </dd>
        <dt>{t('status.sharePath')}</dt>
        <dd>
          <code>{v.sharePath}</code>
        </dd>
        <dt>{t('status.transport')}</dt>
        <dd>{v.transport}</dd>
        <dt>{t('status.applyMode')}</dt>
        <dd>{t(`applyMode.${v.applyMode}`)}</dd>
        <dt>{t('status.installDir')}</dt>
        <dd>
          <code>{v.installDir}</code>
        </dd>
        <dt>{t('status.currentRun')}</dt>
        <dd data-testid="current-run">{running ? <CurrentRun view={v} /> : t('status.noRun')}</dd>
      </dl>

      {error && !running && <ErrorMessage error={error} />}
      {action.error && <ErrorMessage error={action.error} />}
      <div className="actions">
        <button type="button" className="btn" disabled={running || agentBusy || action.busy} onClick={() => void action.run(() => api.invoke('agent:check-now', { appId: v.id }))}>
          {t('status.checkNow')}
        </button>
        <button type="button" className="btn btn-primary" disabled={running || agentBusy || action.busy} onClick={() => void action.run(() => api.invoke('agent:update-now', { appId: v.id }))}>
          {t('status.updateNow')}
        </button>
        {running && (
          <button type="button" className="btn" disabled={action.busy} onClick={() => void action.run(() => api.invoke('agent:cancel'))}>
            {t('status.cancel')}
          </button>
        )}
      </div>
    </section>
  );
}

function CurrentRun({ view }: { view: AppView }) {
  const { t } = useLang();
  const none = t('status.unknown');
  const p = view.progress;
  return (
    <div>
      <StatusBadge tone={toneOfState(view.state)} label={t(`state.${view.state}`)} />{' '}
      {t('status.run', { from: view.currentRun?.from ?? none, to: view.currentRun?.to ?? none })}
      {p && (
        <ProgressBar
          percent={percentOf(p.bytesDone, p.bytesTotal)}
          label={t(p.phase === 'download' ? 'nurse.progress.label' : 'nurse.progress.applyLabel')}
          valueText={`${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)}`}
        />
      )}
    </div>
  );
}
