import { useLang } from '../i18n/lang-context';

export function LangSwitch() {
  const { lang, setLang, t } = useLang();
  return (
    <button type="button" className="lang-switch" lang={lang === 'zh' ? 'en' : 'zh-CN'} aria-label={t('lang.switchLabel')} onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
      {t('lang.switch')}
    </button>
  );
}
