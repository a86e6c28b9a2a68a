import type { AgentSnapshot, AppView, ProgressView } from '../../src/shared/api-types';
import type { HisUpdateApi, RequestChannel, UiEvent } from '../../src/shared/ipc-contract';

/**
 * A small in-test HisUpdateApi for component tests: canned answers per channel, every call recorded,
 * events pushed by the test. (The e2e tests use the real engine instead.)
 */
export interface FakeApi extends HisUpdateApi {
  calls: Array<{ channel: RequestChannel; request: unknown }>;
  answers: Partial<Record<RequestChannel, (request: unknown) => unknown>>;
  emit(event: UiEvent): void;
  callsTo(channel: RequestChannel): unknown[];
}

export function createFakeApi(answers: FakeApi['answers'] = {}): FakeApi {
  const listeners = new Set<(event: UiEvent) => void>();
  const api: FakeApi = {
    calls: [],
    answers,
    emit(event) {
      for (const listener of listeners) listener(event);
    },
    callsTo(channel) {
      return api.calls.filter((c) => c.channel === channel).map((c) => c.request);
    },
    invoke: (async (channel: RequestChannel, request?: unknown) => {
      api.calls.push({ channel, request });
      const answer = api.answers[channel];
      return answer ? await answer(request) : undefined;
    }) as HisUpdateApi['invoke'],
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return api;
}

export function appView(overrides: Partial<AppView> = {}): AppView {
  return {
    id: 'nurse',
    displayName: '护士工作站',
    installDir: 'C:\\HIS\\Nurse',
    sharePath: '\\\\his-fs\\update\\nurse',
    transport: 'smb2',
    applyMode: 'mirror',
    versionSource: 'mssql',
    installedVersion: '5.2.0.118',
    targetVersion: '5.2.0.123',
    targetSource: 'mssql',
    shareVersion: '5.2.0.123',
    state: 'idle',
    progress: null,
    lastCheckAt: '2026-11-25T08:00:00.000Z',
    lastResult: null,
    lastError: null,
    nextCheckAt: '2026-11-25T09:03:00.000Z',
    hisWaiting: null,
    currentRun: null,
    ...overrides,
  };
}

export function snapshotOf(apps: AppView[], overrides: Partial<AgentSnapshot> = {}): AgentSnapshot {
  return {
    agentVersion: '0.1.0',
    machine: 'NW3-PC07',
    user: 'HOSP\\nurse07',
    configFile: 'C:\\ProgramData\\HisUpdate\\config.json',
    logFile: 'C:\\ProgramData\\HisUpdate\\logs\\agent.log',
    busy: false,
    apps,
    configError: null,
    ...overrides,
  };
}

export function progress(overrides: Partial<ProgressView> = {}): ProgressView {
  return {
    phase: 'download',
    bytesDone: 45 * 1024 * 1024,
    bytesTotal: 120 * 1024 * 1024,
    filesDone: 140,
    filesTotal: 380,
    bytesPerSecond: 6.2 * 1024 * 1024,
    etaSeconds: 75,
    currentFile: 'bin/NurseStation.Core.dll',
    ...overrides,
  };
}
