import { lookupError, type ErrorCode } from './catalog';

/** The engine step a failure belongs to; the UI shows it and diagnosis groups by it. */
export type Step =
  | 'config'
  | 'lock'
  | 'local-version'
  | 'version-source'
  | 'share'
  | 'sync'
  | 'his-process'
  | 'apply'
  | 'record'
  | 'report'
  | 'diagnose'
  | 'cli';

export type ErrorParams = Record<string, string | number | undefined>;

/** Plain-data form of an AgentError: what crosses IPC, JSON output and the status file. */
export interface AgentErrorData {
  code: ErrorCode;
  step: Step;
  zh: string;
  en: string;
  /** Raw detail for IT (original message, errno, NTSTATUS …). Never shown as the main message. */
  detail: string;
}

/**
 * The one error type the engine lets out. Every failure a user can hit is turned into one of these,
 * with a zh-CN message (cause + next step), an English message, and the raw detail kept for IT.
 */
export class AgentError extends Error {
  readonly code: ErrorCode;
  readonly step: Step;
  readonly zh: string;
  readonly en: string;
  readonly detail: string;
  readonly params: ErrorParams;

  constructor(code: ErrorCode, params: ErrorParams = {}, detail: unknown = '', options?: { cause?: unknown }) {
    const template = lookupError(code);
    const en = interpolate(template.en, params);
    super(en, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'AgentError';
    this.code = code;
    this.step = template.step;
    this.zh = interpolate(template.zh, params);
    this.en = en;
    this.params = params;
    this.detail = describeDetail(detail);
  }

  toJSON(): AgentErrorData {
    return { code: this.code, step: this.step, zh: this.zh, en: this.en, detail: this.detail };
  }
}

/** Fills `{name}` placeholders; an absent parameter shows as "?" rather than leaking the template. */
export function interpolate(template: string, params: ErrorParams): string {
  return template.replace(/\{(\w+)\}/g, (_m, key: string) => {
    const value = params[key];
    return value === undefined || value === '' ? '?' : String(value);
  });
}

/** Turns whatever was thrown into one line of raw detail (message + code/errno/syscall when present). */
export function describeDetail(detail: unknown): string {
  if (detail === undefined || detail === null || detail === '') return '';
  if (typeof detail === 'string') return detail;
  if (detail instanceof AgentError) return `${detail.code}: ${detail.en}${detail.detail ? ` (${detail.detail})` : ''}`;
  if (detail instanceof Error) {
    const e = detail as NodeJS.ErrnoException & { number?: number; state?: number };
    const extras = [e.code, e.errno !== undefined ? `errno ${e.errno}` : undefined, e.syscall, e.path, e.number !== undefined ? `number ${e.number}` : undefined]
      .filter((x) => x !== undefined && x !== '')
      .join(', ');
    return extras ? `${e.name}: ${e.message} [${extras}]` : `${e.name}: ${e.message}`;
  }
  try {
    return JSON.stringify(detail);
  } catch {
    return String(detail);
  }
}

/**
 * Wraps an unknown failure: AgentErrors pass through untouched, anything else becomes `fallback`
 * with the original kept as detail. Used at every step boundary so no bare stack trace escapes.
 */
export function toAgentError(error: unknown, fallback: ErrorCode, params: ErrorParams = {}): AgentError {
  if (error instanceof AgentError) return error;
  return new AgentError(fallback, params, error, { cause: error });
}
