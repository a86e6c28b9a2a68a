import type { HisUpdateApi } from '../shared/ipc-contract';
import { ApiProvider } from './api/api-context';
import { LangProvider, useLang, type Lang } from './i18n/lang-context';
import { NurseView } from './nurse/NurseView';
import { isStatusTab, StatusWindow } from './status/StatusWindow';

export type ViewName = 'nurse' | 'status';

/** `?view=nurse` (the small tray window, the default) or `?view=status&tab=…` (the IT window). */
export function parseLocation(search: string): { view: ViewName; tab: ReturnType<typeof tabOf> } {
  const params = new URLSearchParams(search);
  return { view: params.get('view') === 'status' ? 'status' : 'nurse', tab: tabOf(params.get('tab')) };
}

function tabOf(value: string | null) {
  return isStatusTab(value) ? value : 'status';
}

export function App({ api, view, tab, lang }: { api: HisUpdateApi | undefined; view: ViewName; tab?: ReturnType<typeof tabOf>; lang?: Lang }) {
  return (
    <LangProvider {...(lang ? { initial: lang } : {})}>
      {api ? (
        <ApiProvider api={api}>{view === 'status' ? <StatusWindow initialTab={tab ?? 'status'} /> : <NurseView />}</ApiProvider>
      ) : (
        <NoBridge />
      )}
    </LangProvider>
  );
}

function NoBridge() {
  const { t } = useLang();
  return (
    <p className="nurse-text" role="alert">
      {t('app.noBridge')}
    </p>
  );
}
