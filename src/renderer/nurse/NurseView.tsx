import { useApi } from '../api/api-context';
import { useLiveAgent } from '../api/use-live-agent';
import { errorText } from '../components/ErrorMessage';
import { LangSwitch } from '../components/LangSwitch';
import { StateIcon } from '../components/StateIcon';
import { useLang } from '../i18n/lang-context';
import { NurseAppPanel } from './NurseAppPanel';

/** The small window a nurse opens from the tray: one panel per HIS program. */
export function NurseView() {
  const api = useApi();
  const { lang, t } = useLang();
  const { live, loadError } = useLiveAgent();
  return (
    <div className="nurse-window">
      <header className="window-header compact">
        <h1>{t('app.title')}</h1>
        <div className="header-tools">
          <button type="button" className="link-button" onClick={() => void api.invoke('ui:open-status-window').catch(() => undefined)}>
            {t('nurse.openStatus')}
          </button>
          <LangSwitch />
        </div>
      </header>
      <main>
        {loadError && (
          <div className="nurse-panel tone-error" role="alert">
            <h2 className="nurse-title">
              <StateIcon tone="error" size={34} />
              <span>{t('app.loadFailed')}</span>
            </h2>
            <p className="nurse-error-text">{errorText(loadError, lang)}</p>
          </div>
        )}
        {!loadError && !live.snapshot && <p className="nurse-text">{t('app.loading')}</p>}
        {live.snapshot && live.apps.length === 0 && <p className="nurse-text">{t('app.noApps')}</p>}
        {live.apps.map((app) => (
          <NurseAppPanel key={app.view.id} app={app} machine={live.snapshot?.machine ?? ''} agentBusy={live.busy} />
        ))}
      </main>
    </div>
  );
}
