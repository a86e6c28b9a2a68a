import type { CheckSummary } from '../core/agent';
import type { AgentError, AgentErrorData } from '../core/errors/agent-error';
import { redactValue } from '../core/config/redact';
import type { AppConfig } from '../core/config/schema';
import type { RunRecord } from '../core/report/status-store';
import { formatBytes, formatDuration } from '../core/util/format';

/** The one JSON object `check --json` and `update --json` print (documented in the README). */
export interface CliJsonResult {
  ok: boolean;
  app: string;
  from: string | null;
  to: string | null;
  bytes: number;
  files: number;
  errorCode: string | null;
  /** zh-CN, for people; messageEn for logs and English-speaking IT. */
  message: string;
  messageEn: string;
  detail: string | null;
  outcome: string;
  updateAvailable?: boolean;
  durationMs?: number;
  /** One entry per app when several were handled. */
  results?: Omit<CliJsonResult, 'results'>[];
}

export function printJson(stream: NodeJS.WriteStream, value: unknown): void {
  stream.write(`${JSON.stringify(redactValue(value))}\n`);
}

export function recordToJson(record: RunRecord, app: AppConfig): Omit<CliJsonResult, 'results'> {
  const error = record.error;
  return {
    ok: error === null,
    app: record.appId,
    from: record.from,
    to: record.to,
    bytes: record.bytesMoved,
    files: record.filesChanged,
    errorCode: error?.code ?? null,
    message: error ? error.zh : successZh(record, app),
    messageEn: error ? error.en : successEn(record, app),
    detail: error?.detail || null,
    outcome: record.outcome,
    durationMs: record.durationMs,
  };
}

export function checkToJson(summary: CheckSummary, app: AppConfig): Omit<CliJsonResult, 'results'> {
  const error = summary.error;
  return {
    ok: error === null,
    app: summary.appId,
    from: summary.installed,
    to: summary.target,
    bytes: 0,
    files: 0,
    errorCode: error?.code ?? null,
    message: error ? error.zh : summary.updateAvailable ? `${app.displayName} 有新版本 ${summary.target}（当前 ${summary.installed ?? '未安装'}）。` : `${app.displayName} 已是最新版本 ${summary.installed}。`,
    messageEn: error ? error.en : summary.updateAvailable ? `${app.displayName}: version ${summary.target} is available (installed ${summary.installed ?? 'none'}).` : `${app.displayName} is up to date (${summary.installed}).`,
    detail: error?.detail || null,
    outcome: error ? 'failed' : summary.updateAvailable ? 'update-available' : 'up-to-date',
    updateAvailable: summary.updateAvailable,
  };
}

/** Several apps fold into one object: ok only if all are, sums of bytes and files, the first error. */
export function combine(results: Omit<CliJsonResult, 'results'>[]): CliJsonResult {
  if (results.length === 1) return results[0]!;
  const failed = results.find((r) => !r.ok);
  return {
    ok: !failed,
    app: results.map((r) => r.app).join(','),
    from: null,
    to: null,
    bytes: results.reduce((s, r) => s + r.bytes, 0),
    files: results.reduce((s, r) => s + r.files, 0),
    errorCode: failed?.errorCode ?? null,
    message: failed?.message ?? results.map((r) => r.message).join(' '),
    messageEn: failed?.messageEn ?? results.map((r) => r.messageEn).join(' '),
    detail: failed?.detail ?? null,
    outcome: failed?.outcome ?? results.map((r) => r.outcome).join(','),
    results,
  };
}

export function errorToJson(error: AgentError, app = ''): CliJsonResult {
  return { ok: false, app, from: null, to: null, bytes: 0, files: 0, errorCode: error.code, message: error.zh, messageEn: error.en, detail: error.detail || null, outcome: 'failed' };
}

function successZh(record: RunRecord, app: AppConfig): string {
  switch (record.outcome) {
    case 'updated':
      return `${app.displayName} 已从 ${record.from ?? '未安装'} 更新到 ${record.to}（${record.filesChanged} 个文件，${formatBytes(record.bytesMoved)}，用时 ${formatDuration(record.durationMs)}）。`;
    case 'up-to-date':
      return `${app.displayName} 已是最新版本 ${record.from}。`;
    default:
      return `${app.displayName}：${record.outcome}`;
  }
}

function successEn(record: RunRecord, app: AppConfig): string {
  switch (record.outcome) {
    case 'updated':
      return `${app.displayName} updated from ${record.from ?? 'none'} to ${record.to} (${record.filesChanged} files, ${formatBytes(record.bytesMoved)}, ${formatDuration(record.durationMs)}).`;
    case 'up-to-date':
      return `${app.displayName} is up to date (${record.from}).`;
    default:
      return `${app.displayName}: ${record.outcome}`;
  }
}

/** Human failure block: code, zh (cause + next step), English, raw detail for IT. */
export function formatErrorBlock(error: AgentErrorData | AgentError): string {
  const lines = [`✘ [${error.code}] ${error.zh}`, `  ${error.en}`];
  if (error.detail) lines.push(`  详情 / detail: ${error.detail}`);
  return lines.join('\n');
}
