import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en, zh, type StringKey } from './strings';

export type Lang = 'zh' | 'en';
export type Translate = (key: StringKey, params?: Record<string, string | number>) => string;

const STORAGE_KEY = 'his-update.lang';

interface LangValue {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: Translate;
}

const LangContext = createContext<LangValue | null>(null);

export function readStoredLang(): Lang {
  try {
    return window.localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

export function hasKey(key: string): key is StringKey {
  return Object.prototype.hasOwnProperty.call(zh, key);
}

/** A label for an open-ended value (outcome, source type): translated when known, shown as is otherwise. */
export function labelOf(t: Translate, prefix: string | string[], value: string): string {
  for (const p of Array.isArray(prefix) ? prefix : [prefix]) {
    const key = `${p}.${value}`;
    if (hasKey(key)) return t(key);
  }
  return value;
}

export function fill(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Chinese unless the user picked English before (remembered in localStorage). */
export function LangProvider({ children, initial }: { children: ReactNode; initial?: Lang }) {
  const [lang, setLangState] = useState<Lang>(() => initial ?? readStoredLang());
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Storage refused (private mode): the choice lasts for this window only.
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);
  const value = useMemo<LangValue>(() => {
    const table = lang === 'zh' ? zh : en;
    return { lang, setLang, t: (key, params) => fill(table[key], params) };
  }, [lang, setLang]);
  return <LangContext.Provider value={value}>{children}</LangContext.Provider>;
}

export function useLang(): LangValue {
  const value = useContext(LangContext);
  if (!value) throw new Error('useLang outside LangProvider');
  return value;
}
