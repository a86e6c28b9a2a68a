// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppView, ErrorView } from '../../src/shared/api-types';
import { App } from '../../src/renderer/App';
import { appView, createFakeApi, progress, snapshotOf, type FakeApi } from './fake-api';

const shareMissing: ErrorView = {
  code: 'SHARE_NOT_FOUND',
  step: 'share',
  zh: '找不到更新共享 \\\\his-fs\\update\\nurse。请确认文件服务器已开机，或请信息科检查共享路径配置。',
  en: 'Update share \\\\his-fs\\update\\nurse not found. Check that the file server is on, or ask IT to check the configured share path.',
  detail: "Error: ENOENT: no such file or directory, scandir '\\\\his-fs\\update\\nurse' [ENOENT, errno -2, scandir]",
};

let api: FakeApi;

async function renderNurse(view: Partial<AppView>): Promise<HTMLElement> {
  api = createFakeApi({ 'agent:get-snapshot': () => snapshotOf([appView(view)]) });
  render(<App api={api} view="nurse" />);
  return screen.findByTestId('nurse-nurse');
}

beforeEach(() => window.localStorage.clear());
afterEach(cleanup);

describe('nurse view states', () => {
  it('checking', async () => {
    const panel = await renderNurse({ state: 'checking' });
    expect(panel.dataset.state).toBe('checking');
    expect(within(panel).getByRole('heading').textContent).toBe('正在检查更新…');
    expect(within(panel).queryByRole('button')).toBeNull();
  });

  it('up to date, from the last run when the agent just started', async () => {
    const panel = await renderNurse({ state: 'idle', lastResult: 'up-to-date', installedVersion: '5.2.0.123' });
    expect(panel.dataset.state).toBe('up-to-date');
    expect(panel.textContent).toContain('护士工作站 当前版本 5.2.0.123，无需更新。');
    fireEvent.click(within(panel).getByRole('button', { name: '检查更新' }));
    expect(api.callsTo('agent:check-now')).toEqual([{ appId: 'nurse' }]);
  });

  it('downloading: bar with %, MB done / total, files, speed, time left and current file', async () => {
    const panel = await renderNurse({ state: 'downloading', progress: progress(), currentRun: { from: '5.2.0.118', to: '5.2.0.123' } });
    expect(within(panel).getByRole('heading').textContent).toBe('正在下载新版本 5.2.0.123');
    const bar = within(panel).getByRole('progressbar');
    expect(bar.getAttribute('aria-valuenow')).toBe('37');
    expect(bar.textContent).toBe('37%');
    expect(screen.getByTestId('progress-bytes').textContent).toBe('45.0 MB / 120.0 MB');
    expect(panel.textContent).toContain('文件 140 / 380');
    expect(screen.getByTestId('progress-speed').textContent).toBe('速度 6.2 MB/s');
    expect(screen.getByTestId('progress-eta').textContent).toBe('剩余约 1 分 15 秒');
    expect(screen.getByTestId('progress-file').textContent).toBe('当前文件：bin/NurseStation.Core.dll');
  });

  it('downloading follows progress events and cancels', async () => {
    const panel = await renderNurse({ state: 'idle', lastResult: 'update-available' });
    act(() => api.emit({ type: 'state', appId: 'nurse', state: 'downloading', from: '5.2.0.118', to: '5.2.0.123' }));
    act(() => api.emit({ type: 'progress', appId: 'nurse', progress: progress({ bytesDone: 12 * 1024 * 1024, etaSeconds: null }) }));
    expect(within(panel).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('10');
    expect(screen.getByTestId('progress-eta').textContent).toBe('正在估算剩余时间');
    act(() => api.emit({ type: 'progress', appId: 'nurse', progress: progress({ bytesDone: 60 * 1024 * 1024 }) }));
    expect(within(panel).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('50');
    fireEvent.click(within(panel).getByRole('button', { name: '取消' }));
    expect(api.callsTo('agent:cancel')).toEqual([undefined]);
  });

  it('applying', async () => {
    const panel = await renderNurse({ state: 'applying', currentRun: { from: '5.2.0.118', to: '5.2.0.123' } });
    expect(within(panel).getByRole('heading').textContent).toBe('正在安装新版本 5.2.0.123…');
    expect(panel.textContent).toContain('请不要打开 护士工作站');
  });

  it('passing through waiting-for-his without a running HIS asks nothing', async () => {
    const panel = await renderNurse({ state: 'waiting-for-his', currentRun: { from: '5.2.0.118', to: '5.2.0.123' } });
    expect(panel.dataset.state).toBe('preparing');
    expect(within(panel).queryByRole('button')).toBeNull();
  });

  it('waiting for the HIS to be closed: 我已关闭，继续 answers retry, 稍后再更新 answers cancel', async () => {
    const panel = await renderNurse({ state: 'waiting-for-his', currentRun: { from: '5.2.0.118', to: '5.2.0.123' } });
    act(() => api.emit({ type: 'his-running', appId: 'nurse', exe: 'NurseStation.exe' }));
    const prompt = await screen.findByRole('heading', { name: '请先关闭 护士工作站' });
    expect(prompt).toBeTruthy();
    expect(panel.textContent).toContain('请保存工作并关闭 NurseStation.exe');
    const retry = within(panel).getByRole('button', { name: '我已关闭，继续' });
    expect(document.activeElement).toBe(retry);
    await act(async () => fireEvent.click(retry));
    expect(api.callsTo('agent:answer-his-prompt')).toEqual([{ appId: 'nurse', answer: 'retry' }]);
    await act(async () => fireEvent.click(within(panel).getByRole('button', { name: '稍后再更新' })));
    expect(api.callsTo('agent:answer-his-prompt')).toEqual([
      { appId: 'nurse', answer: 'retry' },
      { appId: 'nurse', answer: 'cancel' },
    ]);
  });

  it('done shows the new version', async () => {
    const panel = await renderNurse({ state: 'applying', currentRun: { from: '5.2.0.118', to: '5.2.0.123' } });
    act(() => api.emit({ type: 'state', appId: 'nurse', state: 'done', from: '5.2.0.118', to: '5.2.0.123' }));
    expect(panel.dataset.state).toBe('done');
    expect(within(panel).getByRole('heading').textContent).toBe('更新完成');
    expect(panel.textContent).toContain('护士工作站 已更新到 5.2.0.123，可以正常使用。');
  });

  it('failed: the zh message (cause + next step) in large text, the code small, Retry and 复制详情; never the raw detail', async () => {
    const panel = await renderNurse({ state: 'downloading', progress: progress() });
    act(() => api.emit({ type: 'state', appId: 'nurse', state: 'failed', from: '5.2.0.118', to: '5.2.0.123' }));
    act(() => api.emit({ type: 'error', appId: 'nurse', error: shareMissing }));
    expect(panel.dataset.state).toBe('failed');
    expect(screen.getByTestId('error-message').textContent).toBe(shareMissing.zh);
    expect(panel.textContent).toContain('错误代码 SHARE_NOT_FOUND');
    expect(panel.textContent).not.toContain('ENOENT');
    expect(document.activeElement?.textContent).toBe('重试');

    await act(async () => fireEvent.click(within(panel).getByRole('button', { name: '复制详情' })));
    const copied = api.callsTo('ui:copy-text') as Array<{ text: string }>;
    expect(copied).toHaveLength(1);
    expect(copied[0]!.text).toContain('错误代码 / Code: SHARE_NOT_FOUND');
    expect(copied[0]!.text).toContain(`信息: ${shareMissing.zh}`);
    expect(copied[0]!.text).toContain(`Message: ${shareMissing.en}`);
    expect(copied[0]!.text).toContain(`详情 / Detail: ${shareMissing.detail}`);
    expect(copied[0]!.text).toContain('机器 / Machine: NW3-PC07');
    expect(within(panel).getByRole('status').textContent).toBe('详情已复制，可以粘贴发给信息科。');

    await act(async () => fireEvent.click(within(panel).getByRole('button', { name: '重试' })));
    expect(api.callsTo('agent:update-now')).toEqual([{ appId: 'nurse' }]);
    act(() => api.emit({ type: 'state', appId: 'nurse', state: 'checking', from: null, to: null }));
    expect(panel.dataset.state).toBe('checking');
  });

  it('failed from the status file after a restart shows lastError', async () => {
    const panel = await renderNurse({ state: 'idle', lastResult: 'failed', lastError: shareMissing });
    expect(panel.dataset.state).toBe('failed');
    expect(screen.getByTestId('error-message').textContent).toBe(shareMissing.zh);
  });

  it('deferred (HIS_RUNNING) offers Retry', async () => {
    const error: ErrorView = { code: 'HIS_RUNNING', step: 'his-process', zh: 'HIS 正在运行', en: 'HIS is running', detail: '' };
    const panel = await renderNurse({ state: 'deferred', lastError: error, lastResult: 'deferred' });
    expect(panel.dataset.state).toBe('deferred');
    expect(within(panel).getByRole('heading').textContent).toBe('更新已推迟');
    expect(within(panel).queryByRole('button', { name: '复制详情' })).not.toBeNull();
  });

  it('a rejected request becomes a readable message, not an exception text', async () => {
    const panel = await renderNurse({ state: 'idle', lastResult: 'update-available' });
    api.answers['agent:update-now'] = () => Promise.reject(new TypeError('binding vanished'));
    await act(async () => fireEvent.click(within(panel).getByRole('button', { name: '立即更新' })));
    const alert = within(panel).getByRole('alert');
    expect(alert.textContent).toContain('与更新服务的通信失败，操作没有完成');
    expect(alert.textContent).not.toContain('TypeError');
  });

  it('English switch translates the window and the error and is remembered', async () => {
    const panel = await renderNurse({ state: 'failed', lastError: shareMissing, lastResult: 'failed' });
    fireEvent.click(screen.getByRole('button', { name: 'Switch to English' }));
    expect(within(panel).getByRole('heading').textContent).toBe('The update did not finish');
    expect(screen.getByTestId('error-message').textContent).toBe(shareMissing.en);
    expect(within(panel).getByRole('button', { name: 'Retry' })).toBeTruthy();
    expect(window.localStorage.getItem('his-update.lang')).toBe('en');
    expect(document.documentElement.lang).toBe('en');
    cleanup();
    const again = await renderNurse({ state: 'failed', lastError: shareMissing, lastResult: 'failed' });
    expect(within(again).getByRole('heading').textContent).toBe('The update did not finish');
  });

  it('start buttons wait until the ending run has released the agent (its snapshot), so a click is not folded into it', async () => {
    const panel = await renderNurse({ state: 'idle', lastResult: 'up-to-date', installedVersion: '5.2.0.118' });
    act(() => api.emit({ type: 'state', appId: 'nurse', state: 'checking', from: null, to: null }));
    act(() => api.emit({ type: 'state', appId: 'nurse', state: 'update-available', from: '5.2.0.118', to: '5.2.0.123' }));
    const update = within(panel).getByRole('button', { name: '立即更新' }) as HTMLButtonElement;
    expect(update.disabled).toBe(true);
    act(() => api.emit({ type: 'snapshot', snapshot: snapshotOf([appView({ state: 'update-available' })]) }));
    expect((within(panel).getByRole('button', { name: '立即更新' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('a failure that arrives while the run is still ending focuses Retry once it becomes usable', async () => {
    const panel = await renderNurse({ state: 'idle', lastResult: 'up-to-date' });
    act(() => api.emit({ type: 'state', appId: 'nurse', state: 'checking', from: null, to: null }));
    act(() => api.emit({ type: 'state', appId: 'nurse', state: 'failed', from: null, to: null }));
    act(() => api.emit({ type: 'error', appId: 'nurse', error: shareMissing }));
    const retry = within(panel).getByRole('button', { name: '重试' }) as HTMLButtonElement;
    expect(retry.disabled).toBe(true);
    expect(document.activeElement).not.toBe(retry);
    act(() => api.emit({ type: 'snapshot', snapshot: snapshotOf([appView({ state: 'failed', lastResult: 'failed', lastError: shareMissing })]) }));
    expect(document.activeElement).toBe(within(panel).getByRole('button', { name: '重试' }));
  });

  it('if the end-of-run snapshot is missed, the window asks for one instead of keeping the buttons disabled', async () => {
    const panel = await renderNurse({ state: 'idle', lastResult: 'up-to-date' });
    act(() => api.emit({ type: 'state', appId: 'nurse', state: 'checking', from: null, to: null }));
    act(() => api.emit({ type: 'state', appId: 'nurse', state: 'up-to-date', from: '5.2.0.123', to: '5.2.0.123' }));
    expect((within(panel).getByRole('button', { name: '检查更新' }) as HTMLButtonElement).disabled).toBe(true);
    const before = api.callsTo('agent:get-snapshot').length;
    await act(() => new Promise((r) => setTimeout(r, 1700)));
    expect(api.callsTo('agent:get-snapshot').length).toBe(before + 1);
    expect((within(panel).getByRole('button', { name: '检查更新' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('a snapshot that cannot be read shows the readable reason', async () => {
    api = createFakeApi({
      'agent:get-snapshot': () =>
        Promise.reject({ code: 'CONFIG_NOT_FOUND', step: 'config', zh: '找不到配置文件 C:\\x.json。请信息科重新安装或放置配置文件。', en: 'Config file not found.', detail: 'ENOENT' } satisfies ErrorView),
    });
    render(<App api={api} view="nurse" />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('无法读取更新状态');
    expect(alert.textContent).toContain('找不到配置文件');
  });

  it('without window.hisUpdate the page says where it must be opened', () => {
    render(<App api={undefined} view="nurse" />);
    expect(screen.getByRole('alert').textContent).toContain('此页面需要在 HIS 更新助手中打开');
  });
});
