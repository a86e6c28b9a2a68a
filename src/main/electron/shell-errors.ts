import type { ErrorView } from '../../shared/api-types';

/**
 * Failures that only the shell produces (the engine never sees these requests). They cross IPC as
 * ErrorViews like every engine error: zh-CN cause + next step, English, raw detail for IT.
 */
export function senderRefused(channel: string, url: string): ErrorView {
  return {
    code: 'IPC_SENDER_REFUSED',
    step: 'ipc',
    zh: '已拒绝来自未知页面的请求。请只通过托盘图标打开更新助手窗口。',
    en: 'A request from an unknown page was refused. Open the update agent windows from the tray icon only.',
    detail: `${channel} from ${url || '(no frame)'}`,
  };
}

export function requestInvalid(channel: string, issues: string): ErrorView {
  return {
    code: 'IPC_REQUEST_INVALID',
    step: 'ipc',
    zh: `界面发出的请求格式不正确（${channel}）。请重启更新助手；如仍出现，请把支持包发给信息科。`,
    en: `The window sent a malformed request (${channel}). Restart the update agent; if it happens again, send the support bundle to IT.`,
    detail: issues,
  };
}

export function shuttingDown(reason: string): ErrorView {
  return {
    code: 'SHUTTING_DOWN',
    step: 'schedule',
    zh: 'Windows 正在注销或关机，本次不开始更新；下次登录后会自动检查。',
    en: 'Windows is logging off or shutting down, so no update starts now; the agent checks again after the next logon.',
    detail: reason,
  };
}
