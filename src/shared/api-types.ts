/**
 * Data shapes that cross the IPC boundary (main ⇄ preload ⇄ renderer). Plain JSON only: no classes,
 * no functions, no Node types, so the renderer can import this file without pulling in the engine.
 */
export type RunState =
  | 'idle'
  | 'checking'
  | 'up-to-date'
  | 'update-available'
  | 'downloading'
  | 'waiting-for-his'
  | 'applying'
  | 'done'
  | 'failed'
  | 'deferred';

export interface ErrorView {
  code: string;
  step: string;
  /** zh-CN: cause + next step. */
  zh: string;
  en: string;
  /** Raw detail for IT (copied by 复制详情, never the main message). */
  detail: string;
}

export interface ProgressView {
  phase: 'download' | 'apply';
  bytesDone: number;
  bytesTotal: number;
  filesDone: number;
  filesTotal: number;
  /** Bytes per second, smoothed over the last few seconds. */
  bytesPerSecond: number;
  /** Seconds left at the current speed, null until a speed is known. */
  etaSeconds: number | null;
  currentFile: string | null;
}

export interface AppView {
  id: string;
  displayName: string;
  installDir: string;
  sharePath: string;
  transport: string;
  applyMode: 'run-updater' | 'mirror';
  versionSource: string;
  /** Installed now (read from the install folder). */
  installedVersion: string | null;
  /** What the version source (database or manifest) says this PC should run. */
  targetVersion: string | null;
  targetSource: string | null;
  /** What the share's his-release.json holds. */
  shareVersion: string | null;
  state: RunState;
  progress: ProgressView | null;
  lastCheckAt: string | null;
  lastResult: string | null;
  lastError: ErrorView | null;
  nextCheckAt: string | null;
  /** Set while the run waits for the nurse to close the HIS. */
  hisWaiting: { exe: string; sinceMs: number } | null;
  /** Versions of the run in progress (from → to). */
  currentRun: { from: string | null; to: string | null } | null;
}

export interface AgentSnapshot {
  agentVersion: string;
  machine: string;
  user: string;
  configFile: string;
  logFile: string;
  busy: boolean;
  apps: AppView[];
  /** Set when the config on disk is invalid and the last good one is in use. */
  configError: ErrorView | null;
}

export interface RunRecordView {
  runId: string;
  appId: string;
  trigger: string;
  startedAt: string;
  endedAt: string;
  from: string | null;
  to: string | null;
  outcome: string;
  bytesMoved: number;
  filesChanged: number;
  durationMs: number;
  error: ErrorView | null;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogLine {
  at: string;
  level: LogLevel;
  text: string;
}

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface DiagnosisCheckView {
  id: string;
  /** Engine step the check belongs to (config, database, share, local, updater). */
  group: string;
  titleZh: string;
  titleEn: string;
  status: CheckStatus;
  evidence: string;
  fixZh: string | null;
  fixEn: string | null;
  errorCode: string | null;
  durationMs: number;
}

export interface DiagnosisReportView {
  appId: string;
  startedAt: string;
  durationMs: number;
  checks: DiagnosisCheckView[];
  counts: Record<CheckStatus, number>;
}

/** One PC's status for one HIS app, as the agent reports it after a run or as a heartbeat. */
export interface FleetStatusView {
  machine: string;
  /** Windows user logged on at the PC. */
  user: string;
  app: string;
  installedVersion: string | null;
  targetVersion: string | null;
  /** Outcome of the run: up-to-date, updated, failed, heartbeat … */
  state: string;
  errorCode: string | null;
  messageZh: string | null;
  durationMs: number | null;
  bytesMoved: number | null;
  agentVersion: string;
  /** ISO time on the PC's clock when the run ended. */
  reportedAt: string;
}

/** A row of the fleet view: the stored status plus what the IT window needs to sort and flag it. */
export interface FleetRowView extends FleetStatusView {
  /** ISO time on the database server's clock when the row last arrived. */
  receivedAt: string;
  /** Nothing arrived for longer than the configured silence threshold. */
  silent: boolean;
}

export interface FleetView {
  generatedAt: string;
  silentHours: number;
  rows: FleetRowView[];
  countsByVersion: Array<{ app: string; version: string | null; count: number }>;
  /** Set when the database could not be read (the tab shows it instead of rows). */
  error: ErrorView | null;
}
