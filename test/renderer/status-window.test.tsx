// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiagnosisReportView, ErrorView, FleetView, LogLine, RunRecordView } from '../../src/shared/api-types';
import { App } from '../../src/renderer/App';
import { appView, createFakeApi, progress, snapshotOf, type FakeApi } from './fake-api';

const loginFailed: ErrorView = {
  code: 'DB_LOGIN_FAILED',
  step: 'version-source',
  zh: '数据库登录失败（用户 his_update）。请信息科检查更新程序的数据库账号和密码。',
  en: 'Database login failed (user his_update). Ask IT to check the agent’s database account and password.',
  detail: "ConnectionError: Login failed for user 'his_update'. [ELOGIN, number 18456]",
};

const history: RunRecordView[] = [
  { runId: 'b', appId: 'nurse', trigger: 'schedule', startedAt: '2026-11-25T08:00:00.000Z', endedAt: '2026-11-25T08:01:05.000Z', from: '5.2.0.118', to: '5.2.0.123', outcome: 'updated', bytesMoved: 83_886_080, filesChanged: 120, durationMs: 65_000, error: null },
  { runId: 'a', appId: 'nurse', trigger: 'tray', startedAt: '2026-11-24T08:00:00.000Z', endedAt: '2026-11-24T08:00:01.000Z', from: '5.2.0.118', to: null, outcome: 'failed', bytesMoved: 0, filesChanged: 0, durationMs: 850, error: loginFailed },
];

const logLines: LogLine[] = [
  { at: '2026-11-25T08:00:00.100', level: 'info', text: 'update nurse: 5.2.0.118 → 5.2.0.123' },
  { at: '2026-11-25T08:00:01.200', level: 'warn', text: 'share slow: 2.1 MB/s' },
  { at: '2026-11-25T08:00:02.300', level: 'error', text: 'DB_LOGIN_FAILED Login failed' },
];

const diagnosis: DiagnosisReportView = {
  appId: 'nurse',
  startedAt: '2026-11-25T08:10:00.000Z',
  durationMs: 2300,
  counts: { pass: 1, warn: 1, fail: 1, skip: 1 },
  checks: [
    { id: 'config', group: 'config', titleZh: '配置文件', titleEn: 'Config file', status: 'pass', evidence: 'C:\\ProgramData\\HisUpdate\\config.json 有效', fixZh: null, fixEn: null, errorCode: null, durationMs: 12 },
    { id: 'db-login', group: 'database', titleZh: '数据库登录', titleEn: 'Database login', status: 'fail', evidence: "Login failed for user 'his_update' (18456)", fixZh: '请信息科检查更新程序的数据库账号和密码。', fixEn: 'Ask IT to check the database account.', errorCode: 'DB_LOGIN_FAILED', durationMs: 140 },
    { id: 'offline-files', group: 'share', titleZh: '脱机文件', titleEn: 'Offline Files', status: 'warn', evidence: '脱机文件已开启', fixZh: '建议关闭脱机文件。', fixEn: 'Turn Offline Files off.', errorCode: null, durationMs: 30 },
    { id: 'db-query', group: 'database', titleZh: '版本查询', titleEn: 'Version query', status: 'skip', evidence: '需要先通过数据库登录', fixZh: null, fixEn: null, errorCode: null, durationMs: 0 },
  ],
};

const fleet: FleetView = {
  generatedAt: '2026-11-25T08:30:00.000Z',
  silentHours: 24,
  rows: [
    { machine: 'NW3-PC01', user: 'nurse01', app: 'nurse', installedVersion: '5.2.0.118', targetVersion: '5.2.0.123', state: 'failed', errorCode: 'SHARE_SMB1_ONLY', messageZh: '更新服务器 his-fs 只支持 SMB1 协议', durationMs: 900, bytesMoved: 0, agentVersion: '0.1.0', reportedAt: '2026-11-25T08:00:00.000Z', receivedAt: '2026-11-25T08:00:00.000Z', silent: false },
    { machine: 'NW3-PC02', user: 'nurse02', app: 'nurse', installedVersion: '5.2.0.110', targetVersion: '5.2.0.123', state: 'heartbeat', errorCode: null, messageZh: null, durationMs: null, bytesMoved: null, agentVersion: '0.1.0', reportedAt: '2026-11-20T08:00:00.000Z', receivedAt: '2026-11-20T08:00:00.000Z', silent: true },
    { machine: 'NW3-PC03', user: 'nurse03', app: 'nurse', installedVersion: '5.2.0.123', targetVersion: '5.2.0.123', state: 'updated', errorCode: null, messageZh: null, durationMs: 61000, bytesMoved: 80_000_000, agentVersion: '0.1.0', reportedAt: '2026-11-25T08:01:00.000Z', receivedAt: '2026-11-25T08:01:00.000Z', silent: false },
  ],
  countsByVersion: [
    { app: 'nurse', version: '5.2.0.123', count: 1 },
    { app: 'nurse', version: '5.2.0.118', count: 1 },
    { app: 'nurse', version: '5.2.0.110', count: 1 },
  ],
  error: null,
};

let api: FakeApi;

function renderStatus(answers: FakeApi['answers'] = {}, tab?: 'status' | 'history' | 'log' | 'diagnosis' | 'fleet') {
  api = createFakeApi({
    'agent:get-snapshot': () => snapshotOf([appView({ state: 'idle', lastResult: 'failed', lastError: loginFailed })]),
    ...answers,
  });
  render(<App api={api} view="status" {...(tab ? { tab } : {})} />);
}

const openTab = (name: string) => fireEvent.click(screen.getByRole('tab', { name }));

beforeEach(() => window.localStorage.clear());
afterEach(cleanup);

describe('IT status window', () => {
  it('状态: three versions side by side, checks, share, transport, apply mode, last error and actions', async () => {
    renderStatus();
    const card = (await screen.findByRole('heading', { name: /护士工作站/ })).closest('section')!;
    expect(screen.getByTestId('version-installed').textContent).toContain('5.2.0.118');
    expect(screen.getByTestId('version-installed').textContent).toContain('与要求不一致');
    expect(screen.getByTestId('version-required').textContent).toBe('5.2.0.123');
    expect(screen.getByTestId('version-share').textContent).toBe('5.2.0.123');
    const text = card.textContent!;
    expect(text).toContain('\\\\his-fs\\update\\nurse');
    expect(text).toContain('smb2');
    expect(text).toContain('镜像同步（可回滚）');
    expect(text).toMatch(/上次检查\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    expect(text).toMatch(/下次检查\d{4}-\d\d-\d\d/);
    expect(within(card).getByRole('alert').textContent).toContain(loginFailed.zh);
    expect(within(card).getByRole('alert').textContent).toContain('DB_LOGIN_FAILED');
    await act(async () => fireEvent.click(within(card).getByRole('button', { name: '立即更新' })));
    expect(api.callsTo('agent:update-now')).toEqual([{ appId: 'nurse' }]);
    expect(screen.getByText(/本机 NW3-PC07/)).toBeTruthy();
  });

  it('状态: the current run with its progress, and a manifest-only app says it uses no database', async () => {
    api = createFakeApi({
      'agent:get-snapshot': () =>
        snapshotOf([
          appView({ state: 'downloading', progress: progress(), currentRun: { from: '5.2.0.118', to: '5.2.0.123' } }),
          appView({ id: 'pharmacy', displayName: '药房系统', versionSource: 'manifest', targetSource: 'manifest', transport: 'native', applyMode: 'run-updater' }),
        ]),
    });
    render(<App api={api} view="status" />);
    const run = (await screen.findAllByTestId('current-run'))[0]!;
    expect(run.textContent).toContain('正在下载');
    expect(run.textContent).toContain('5.2.0.118 → 5.2.0.123');
    expect(within(run).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('37');
    expect(screen.getByRole('button', { name: '取消当前任务' })).toBeTruthy();
    expect(screen.getAllByTestId('version-required')[1]!.textContent).toContain('未使用数据库（版本来源：共享清单）');
    expect(screen.getByText('运行厂商更新程序')).toBeTruthy();
  });

  it('历史: time, from → to, bytes, duration, result and error code; reloads when a run ends', async () => {
    renderStatus({ 'agent:get-history': () => history }, 'history');
    const table = await screen.findByTestId('history-table');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.textContent).toContain('5.2.0.118 → 5.2.0.123');
    expect(rows[0]!.textContent).toContain('80.0 MB');
    expect(rows[0]!.textContent).toContain('1 分 5 秒');
    expect(rows[0]!.textContent).toContain('已更新');
    expect(rows[1]!.textContent).toContain('5.2.0.118 → —');
    expect(rows[1]!.textContent).toContain('失败');
    expect(rows[1]!.textContent).toContain('DB_LOGIN_FAILED');
    expect(rows[1]!.textContent).toContain('850 毫秒');
    expect(api.callsTo('agent:get-history')).toEqual([{ limit: 200 }]);
    await act(async () => api.emit({ type: 'snapshot', snapshot: snapshotOf([appView()]) }));
    expect(api.callsTo('agent:get-history')).toHaveLength(2);
  });

  it('日志: the tail with a level filter and a search box', async () => {
    renderStatus({ 'agent:get-log-tail': (r) => logLines.filter((l) => !(r as { search?: string }).search || l.text.includes((r as { search: string }).search)) }, 'log');
    const list = await screen.findByTestId('log-lines');
    expect(within(list).getAllByRole('listitem')).toHaveLength(3);
    expect(list.textContent).toContain('WARN');
    expect(api.callsTo('agent:get-log-tail')[0]).toEqual({ maxLines: 500, minLevel: 'debug' });

    await act(async () => fireEvent.change(screen.getByTestId('log-level'), { target: { value: 'warn' } }));
    expect(api.callsTo('agent:get-log-tail').at(-1)).toEqual({ maxLines: 500, minLevel: 'warn' });

    fireEvent.change(screen.getByTestId('log-search'), { target: { value: 'share' } });
    await act(() => new Promise((r) => setTimeout(r, 300)));
    expect(api.callsTo('agent:get-log-tail').at(-1)).toEqual({ maxLines: 500, minLevel: 'warn', search: 'share' });
    expect(within(screen.getByTestId('log-lines')).getAllByRole('listitem')).toHaveLength(1);
  });

  it('诊断: runs the diagnosis, lists each check pass/warn/fail/skip with evidence and fix (failures first), exports the bundle', async () => {
    renderStatus({ 'agent:run-diagnosis': () => diagnosis, 'agent:export-bundle': () => ({ path: 'C:\\Users\\it\\Desktop\\his-support-20261125.zip', bytes: 524_288 }) }, 'diagnosis');
    expect(screen.getByText(/点击“运行诊断”/)).toBeTruthy();
    await screen.findByText(/本机 NW3-PC07/);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: '运行诊断' })));
    expect(api.callsTo('agent:run-diagnosis')).toEqual([{ appId: 'nurse' }]);
    const checks = within(screen.getByTestId('diagnosis-checks')).getAllByRole('listitem');
    expect(checks.map((c) => c.dataset.status)).toEqual(['fail', 'warn', 'pass', 'skip']);
    expect(checks[0]!.textContent).toContain('失败');
    expect(checks[0]!.textContent).toContain('数据库登录');
    expect(checks[0]!.textContent).toContain("检查结果：Login failed for user 'his_update' (18456)");
    expect(checks[0]!.textContent).toContain('处理方法：请信息科检查更新程序的数据库账号和密码。');
    expect(checks[0]!.textContent).toContain('DB_LOGIN_FAILED');
    expect(checks[1]!.textContent).toContain('警告');
    expect(checks[2]!.textContent).toContain('通过');
    expect(checks[3]!.textContent).toContain('跳过');
    expect(screen.getByText(/通过 1 项，警告 1 项，失败 1 项，跳过 1 项/)).toBeTruthy();

    await act(async () => fireEvent.click(screen.getByRole('button', { name: '导出支持包' })));
    expect(screen.getByText(/支持包已保存：C:\\Users\\it\\Desktop\\his-support-20261125\.zip（512\.0 KB）/)).toBeTruthy();
  });

  it('诊断: a diagnosis that cannot run shows its ErrorView', async () => {
    renderStatus({ 'agent:run-diagnosis': () => Promise.reject(loginFailed) }, 'diagnosis');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: '运行诊断' })));
    expect(screen.getByRole('alert').textContent).toContain(loginFailed.zh);
  });

  it('机群: machines, versions, last result and silent machines; ward prefix filter; silent-only', async () => {
    renderStatus({ 'agent:get-fleet': () => fleet }, 'fleet');
    const table = await screen.findByTestId('fleet-table');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);
    expect(rows[0]!.textContent).toContain('NW3-PC01');
    expect(rows[0]!.textContent).toContain('SHARE_SMB1_ONLY');
    expect(rows[0]!.textContent).toContain('失败');
    expect(rows[1]!.textContent).toContain('失联');
    expect(rows[2]!.textContent).toContain('已更新');
    expect(screen.getByText(/共 3 台机器，1 台超过 24 小时未报告/)).toBeTruthy();
    expect(screen.getByText('nurse 5.2.0.123：1 台')).toBeTruthy();

    fireEvent.click(screen.getByRole('checkbox', { name: '只看失联机器' }));
    expect(within(screen.getByTestId('fleet-table')).getAllByRole('row')).toHaveLength(2);

    fireEvent.change(screen.getByTestId('fleet-prefix'), { target: { value: 'NW3-' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: '查询' })));
    expect(api.callsTo('agent:get-fleet')).toEqual([{}, { prefix: 'NW3-' }]);

    fireEvent.change(screen.getByTestId('fleet-prefix'), { target: { value: "NW3' OR 1=1" } });
    expect(screen.getByRole('alert').textContent).toContain('前缀只能包含字母、数字');
    expect((screen.getByRole('button', { name: '查询' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('机群: FleetView.error and a rejected query are shown readably', async () => {
    renderStatus({ 'agent:get-fleet': () => ({ ...fleet, rows: [], countsByVersion: [], error: loginFailed }) }, 'fleet');
    expect((await screen.findByRole('alert')).textContent).toContain(loginFailed.zh);
    cleanup();
    renderStatus({ 'agent:get-fleet': () => Promise.reject(loginFailed) }, 'fleet');
    expect((await screen.findByRole('alert')).textContent).toContain('DB_LOGIN_FAILED');
  });

  it('tabs work by keyboard: arrows move between tabs, Home/End jump', async () => {
    renderStatus({ 'agent:get-history': () => history, 'agent:get-log-tail': () => logLines, 'agent:get-fleet': () => fleet });
    const status = await screen.findByRole('tab', { name: '状态' });
    status.focus();
    fireEvent.keyDown(status, { key: 'ArrowRight' });
    const historyTab = screen.getByRole('tab', { name: '历史' });
    expect(historyTab.getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement).toBe(historyTab);
    expect(historyTab.tabIndex).toBe(0);
    expect(status.tabIndex).toBe(-1);
    fireEvent.keyDown(historyTab, { key: 'End' });
    expect(screen.getByRole('tab', { name: '机群' }).getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowRight' });
    expect(screen.getByRole('tab', { name: '状态' }).getAttribute('aria-selected')).toBe('true');
    expect(screen.getByRole('tabpanel').getAttribute('aria-labelledby')).toBe('tab-status');
  });

  it('English labels for the tabs', async () => {
    window.localStorage.setItem('his-update.lang', 'en');
    renderStatus();
    expect((await screen.findAllByRole('tab')).map((t) => t.textContent)).toEqual(['Status', 'History', 'Log', 'Diagnosis', 'Fleet']);
    openTab('History');
    expect(screen.getByRole('tab', { name: 'History' }).getAttribute('aria-selected')).toBe('true');
  });
});
