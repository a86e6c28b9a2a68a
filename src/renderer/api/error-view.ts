import type { ErrorView } from '../../shared/api-types';

/**
 * `invoke` rejects with an ErrorView; anything else (the bridge itself broke, a bug) becomes a
 * readable UI error so the user never sees a raw exception text as the message.
 */
export function toErrorView(reason: unknown): ErrorView {
  if (isErrorView(reason)) return reason;
  const detail = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
  return {
    code: 'UI_REQUEST_FAILED',
    step: 'ui',
    zh: '与更新服务的通信失败，操作没有完成。请稍后重试；如反复出现，请点击“复制详情”发给信息科。',
    en: 'The window could not reach the update service; nothing was done. Retry later; if it keeps happening, copy the details for IT.',
    detail,
  };
}

export function isErrorView(value: unknown): value is ErrorView {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.zh === 'string' && typeof v.en === 'string' && typeof v.detail === 'string';
}
