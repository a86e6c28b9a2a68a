import { useEffect, useRef, useState, type ReactNode } from 'react';
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

const FOCUS_ON_ENTRY: ReadonlySet<NurseState['kind']> = new Set(['his-prompt', 'failed', 'deferred']);

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
export function NurseAppPanel({ app, machine, agentBusy }: { app: LiveApp; machine: string; agentBusy: boolean }) {
  const api = useApi();
  const { lang, t } = useLang();
  const action = useAction();
  const [copied, setCopied] = useState<'ok' | 'failed' | null>(null);
  const state = nurseStateOf(app);
  useEffect(() => setCopied(null), [state.kind]);

  // When the nurse must act (a failure, the "close the HIS" prompt), the keyboard goes to the main
  // button as soon as it is usable (it may wait a moment for the ending run to release the agent).
  const focusTarget = useRef<HTMLButtonElement | null>(null);
  const focusPending = useRef<NurseState['kind'] | null>(null);
  useEffect(() => {
    focusPending.current = FOCUS_ON_ENTRY.has(state.kind) ? state.kind : null;
  }, [state.kind]);
  useEffect(() => {
    const button = focusTarget.current;
    if (focusPending.current === state.kind && button && !button.disabled) {
      button.focus();
      focusPending.current = null;
    }
  });
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
  // Buttons that start a run wait for the previous run to finish ending (startsRun); answers to the running one do not.
  const primary = (label: string, onClick: () => void, options: { focus?: boolean; startsRun?: boolean } = {}) => (
    <button
      type="button"
      className="btn btn-primary"
      ref={options.focus ? focusTarget : undefined}
      disabled={action.busy || (!!options.startsRun && agentBusy)}
      onClick={onClick}
    >
      {label}
    </button>
  );
  const secondary = (label: string, onClick: () => void, options: { startsRun?: boolean } = {}) => (
    <button type="button" className="btn" disabled={action.busy || (!!options.startsRun && agentBusy)} onClick={onClick}>
      {label}
    </button>
  );
  const run = { startsRun: true };

  switch (state.kind) {
    case 'idle':
      title = t('nurse.idle.title');
      body = t('nurse.idle.body');
      actions = primary(t('nurse.checkNow'), checkNow, run);
      break;
    case 'checking':
      title = t('nurse.checking.title');
      body = t('nurse.checking.body', { app: name });
      break;
    case 'up-to-date':
      title = t('nurse.upToDate.title');
      body = t('nurse.upToDate.body', { app: name, version: version(state.version) });
      actions = secondary(t('nurse.checkNow'), checkNow, run);
      break;
    case 'update-available':
      title = t('nurse.available.title', { version: version(state.to) });
      body = t('nurse.available.body', { app: name, from: version(state.from), version: version(state.to) });
      actions = primary(t('nurse.updateNow'), updateNow, run);
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
          {primary(t('nurse.hisPrompt.retry'), () => action.run(() => api.invoke('agent:answer-his-prompt', { appId, answer: 'retry' })), { focus: true })}
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
      actions = secondary(t('nurse.checkNow'), checkNow, run);
      break;
    case 'deferred':
    case 'failed':
      title = t(state.kind === 'failed' ? 'nurse.failed.title' : 'nurse.deferred.title');
      shownError = state.error;
      actions = (
        <>
          {primary(t('nurse.retry'), updateNow, { focus: true, startsRun: true })}
          {state.error && secondary(t('nurse.copyDetails'), () => void copyDetails(state.error!))}
        </>
      );
      break;
  }

  const tone = TONE[state.kind];
  return (
    <section className={`nurse-panel tone-${tone}`} aria-labelledby={`app-${appId}-title`} data-state={state.kind} data-testid={`nurse-${appId}`}>
      <div className="nurse-body" aria-live="polite">
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
        <div className="actions">
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
