import { useState } from 'react';
import { useLiveAgent } from '../api/use-live-agent';
import { ErrorMessage } from '../components/ErrorMessage';
import { LangSwitch } from '../components/LangSwitch';
import { Tabs, type TabDef } from '../components/Tabs';
import { useLang } from '../i18n/lang-context';
import { DiagnosisTab } from './DiagnosisTab';
import { FleetTab } from './FleetTab';
import { HistoryTab } from './HistoryTab';
import { LogTab } from './LogTab';
import { StatusTab } from './StatusTab';

export type StatusTabKey = 'status' | 'history' | 'log' | 'diagnosis' | 'fleet';
const TAB_KEYS: StatusTabKey[] = ['status', 'history', 'log', 'diagnosis', 'fleet'];

export function isStatusTab(value: string | null): value is StatusTabKey {
  return TAB_KEYS.includes(value as StatusTabKey);
}

/** The IT window: what this PC runs, what it did, its log, a diagnosis and the fleet. */
export function StatusWindow({ initialTab = 'status' }: { initialTab?: StatusTabKey }) {
  const { t } = useLang();
  const { live, loadError } = useLiveAgent();
  const [tab, setTab] = useState<StatusTabKey>(initialTab);
  const tabs: TabDef<StatusTabKey>[] = TAB_KEYS.map((key) => ({ key, label: t(`tab.${key}`) }));
  const snapshot = live.snapshot;
  return (
    <div className="status-window">
      <header className="window-header">
        <div>
          <h1>{t('app.statusTitle')}</h1>
          {snapshot && <p className="muted">{t('status.machine', { machine: snapshot.machine, user: snapshot.user, version: snapshot.agentVersion })}</p>}
        </div>
        <LangSwitch />
      </header>
      {loadError && <ErrorMessage error={loadError} title={t('app.loadFailed')} />}
      <Tabs tabs={tabs} active={tab} onChange={setTab} label={t('tabs.label')}>
        {tab === 'status' && (snapshot ? <StatusTab snapshot={snapshot} apps={live.apps} agentBusy={live.busy} /> : !loadError && <p className="muted">{t('app.loading')}</p>)}
        {tab === 'history' && <HistoryTab refreshKey={live.runsEnded} />}
        {tab === 'log' && <LogTab refreshKey={live.runsEnded} />}
        {tab === 'diagnosis' && <DiagnosisTab apps={live.apps.map((a) => a.view)} />}
        {tab === 'fleet' && <FleetTab />}
      </Tabs>
    </div>
  );
}
