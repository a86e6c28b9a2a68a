import type { ErrorView } from '../../shared/api-types';
import { useLang } from '../i18n/lang-context';
import { StateIcon } from './StateIcon';

/** The catalog message in the chosen language; the code is shown small for IT, never a stack trace. */
export function errorText(error: ErrorView, lang: 'zh' | 'en'): string {
  return lang === 'zh' ? error.zh : error.en;
}

/** For the IT window: message, code and step, with the raw detail folded away. */
export function ErrorMessage({ error, title }: { error: ErrorView; title?: string }) {
  const { lang, t } = useLang();
  return (
    <div className="error-box" role="alert">
      <div className="error-head">
        <StateIcon tone="error" size={22} />
        <strong>{title ?? errorText(error, lang)}</strong>
      </div>
      {title && <p className="error-text">{errorText(error, lang)}</p>}
      <p className="error-meta">
        {t('error.code')} <code>{error.code}</code> · {t('error.step')} {error.step}
      </p>
      {error.detail && (
        <details>
          <summary>{t('error.detail')}</summary>
          <pre className="detail">{error.detail}</pre>
        </details>
      )}
    </div>
  );
}

/** What 复制详情 puts on the clipboard: everything IT needs to start, in both languages. */
export function errorReport(error: ErrorView, context: { app?: string; machine?: string; at?: Date }): string {
  const lines = [
    `错误代码 / Code: ${error.code}`,
    `环节 / Step: ${error.step}`,
    `信息: ${error.zh}`,
    `Message: ${error.en}`,
    `详情 / Detail: ${error.detail || '-'}`,
  ];
  if (context.app) lines.push(`程序 / App: ${context.app}`);
  if (context.machine) lines.push(`机器 / Machine: ${context.machine}`);
  lines.push(`时间 / Time: ${(context.at ?? new Date()).toISOString()}`);
  return lines.join('\n');
}
