import { useEffect, useState, type ReactNode } from 'react';
import type { ErrorView } from '../../shared/api-types';
import { useApi } from '../api/api-context';
import type { LiveApp } from '../api/live-state';
import { errorReport, errorText } from '../components/ErrorMessage';
import { StateIcon } from '../components/StateIcon';
import type { Tone } from '../components/tone';
import { useLang } from '../i18n/lang-context';
import { nurseStateOf, type NurseState } from './nurse-state';
import { ProgressDetails } from './ProgressDetails';
import { useAction } from './use-action';

const TONE: Record<NurseState['kind'], Tone> = {
  idle: 'neutral',
  checking: 'busy',
  'up-to-date': 'ok',
  'update-available': 'info',
  downloading: 'busy',
  preparing: 'busy',
  'his-prompt': 'warn',
  applying: 'busy',
  done: 'ok',
  deferred: 'warn',
  failed: 'error',
};

/** One HIS program in the nurse window: a headline, a sentence, maybe a bar, and the one or two buttons that make sense now. */
export function NurseAppPanel({ app, machine }: { app: LiveApp; machine: string }) {
  const api = useApi();
  const { lang, t } = useLang();
  const action = useAction();
  const [copied, setCopied] = useState<'ok' | 'failed' | null>(null);
  const state = nurseStateOf(app);
  useEffect(() => setCopied(null), [state.kind]);
  const name = app.view.displayName;
  const appId = app.view.id;
  const unknown = t('status.unknown');
  const version = (v: string | null) => v ?? unknown;

  const checkNow = () => action.run(() => api.invoke('agent:check-now', { appId }));
  const updateNow = () => action.run(() => api.invoke('agent:update-now', { appId }));
  const copyDetails = async (error: ErrorView) => {
    const ok = await action.run(() => api.invoke('ui:copy-text', { text: errorReport(error, { app: `${name} (${appId})`, machine }) }));
    setCopied(ok ? 'ok' : 'failed');
  };

  let title: string;
  let body: string | null = null;
  let shownError: ErrorView | null = null;
  let extra: ReactNode = null;
  let actions: ReactNode = null;
  const primary = (label: string, onClick: () => void, autoFocus = false) => (
    <button type="button" className="btn btn-primary" disabled={action.busy} onClick={onClick} autoFocus={autoFocus}>
      {label}
    </button>
  );
  const secondary = (label: string, onClick: () => void) => (
    <button type="button" className="btn" disabled={action.busy} onClick={onClick}>
      {label}
    </button>
  );

  switch (state.kind) {
    case 'idle':
      title = t('nurse.idle.title');
      body = t('nurse.idle.body');
      actions = primary(t('nurse.checkNow'), checkNow);
      break;
    case 'checking':
      title = t('nurse.checking.title');
      body = t('nurse.checking.body', { app: name });
      break;
    case 'up-to-date':
      title = t('nurse.upToDate.title');
      body = t('nurse.upToDate.body', { app: name, version: version(state.version) });
      actions = secondary(t('nurse.checkNow'), checkNow);
      break;
    case 'update-available':
      title = t('nurse.available.title', { version: version(state.to) });
      body = t('nurse.available.body', { app: name, from: version(state.from), version: version(state.to) });
      actions = primary(t('nurse.updateNow'), updateNow);
      break;
    case 'downloading':
      title = t('nurse.downloading.title', { version: version(state.to) });
      body = t('nurse.downloading.body', { app: name });
      extra = state.progress && <ProgressDetails progress={state.progress} />;
      actions = secondary(t('nurse.cancel'), () => action.run(() => api.invoke('agent:cancel')));
      break;
    case 'preparing':
      title = t('nurse.preparing.title', { version: version(state.to) });
      body = t('nurse.preparing.body', { app: name });
      break;
    case 'his-prompt':
      title = t('nurse.hisPrompt.title', { app: name });
      body = t('nurse.hisPrompt.body', { version: version(state.to), exe: state.exe });
      actions = (
        <>
          {primary(t('nurse.hisPrompt.retry'), () => action.run(() => api.invoke('agent:answer-his-prompt', { appId, answer: 'retry' })), true)}
          {secondary(t('nurse.hisPrompt.cancel'), () => action.run(() => api.invoke('agent:answer-his-prompt', { appId, answer: 'cancel' })))}
        </>
      );
      break;
    case 'applying':
      title = t('nurse.applying.title', { version: version(state.to) });
      body = t('nurse.applying.body', { app: name });
      extra = state.progress && <ProgressDetails progress={state.progress} />;
      break;
    case 'done':
      title = t('nurse.done.title');
      body = t('nurse.done.body', { app: name, version: version(state.version) });
      actions = secondary(t('nurse.checkNow'), checkNow);
      break;
    case 'deferred':
    case 'failed':
      title = t(state.kind === 'failed' ? 'nurse.failed.title' : 'nurse.deferred.title');
      shownError = state.error;
      actions = (
        <>
          {primary(t('nurse.retry'), updateNow, true)}
          {state.error && secondary(t('nurse.copyDetails'), () => void copyDetails(state.error!))}
        </>
      );
      break;
  }

  const tone = TONE[state.kind];
  return (
    <section className={`nurse-panel tone-${tone}`} aria-labelledby={`app-${appId}-title`} data-state={state.kind} data-testid={`nurse-${appId}`}>
      {/* A new key per state remounts the body and the buttons, so autoFocus moves the keyboard to the new primary button. */}
      <div key={state.kind} className="nurse-body" aria-live="polite">
        <div className="title-row">
          <h2 id={`app-${appId}-title`} className="nurse-title">
            <StateIcon tone={tone} size={32} />
            <span>{title}</span>
          </h2>
          <span className="app-name">{name}</span>
        </div>
        {body && <p className="nurse-text">{body}</p>}
        {shownError && (
          <div className="nurse-error" role="alert">
            <p className="nurse-error-text" data-testid="error-message">
              {errorText(shownError, lang)}
            </p>
            <p className="nurse-error-code">{t('nurse.error.code', { code: shownError.code })}</p>
          </div>
        )}
        {extra}
      </div>
      {action.error && (
        <div className="nurse-error" role="alert">
          <p className="nurse-error-text">{errorText(action.error, lang)}</p>
          <p className="nurse-error-code">{t('nurse.error.code', { code: action.error.code })}</p>
        </div>
      )}
      {actions && (
        <div key={`actions-${state.kind}`} className="actions">
          {actions}
        </div>
      )}
      {copied && (
        <p className={`note tone-${copied === 'ok' ? 'ok' : 'error'}`} role="status">
          {t(copied === 'ok' ? 'nurse.copied' : 'nurse.copyFailed')}
        </p>
      )}
    </section>
  );
}
