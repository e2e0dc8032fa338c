import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { zhCN, type MessageKey } from './zh-CN';
import { en } from './en';

export type Locale = 'zh-CN' | 'en';
export type Translate = (key: MessageKey | string, vars?: Record<string, string | number>) => string;

const dictionaries: Record<Locale, Record<string, string>> = { 'zh-CN': zhCN, en };
const STORAGE_KEY = 'rexian.locale';

/** Pure lookup so non-React code (api client, tests) can translate too; unknown keys echo back. */
export function translate(locale: Locale, key: string, vars?: Record<string, string | number>): string {
  const template = dictionaries[locale][key] ?? dictionaries['zh-CN'][key] ?? key;
  return vars ? template.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? `{${name}}`)) : template;
}

export function initialLocale(): Locale {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

// The api client reads this so Accept-Language follows the switch without threading it everywhere.
let currentLocale: Locale = initialLocale();
export const getLocale = () => currentLocale;

interface I18nValue {
  locale: Locale;
  setLocale: (l: Locale) => void;
  t: Translate;
}
const I18nContext = createContext<I18nValue | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(currentLocale);
  const setLocale = useCallback((l: Locale) => {
    currentLocale = l;
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      // private mode: the switch still works for this tab
    }
    document.documentElement.lang = l;
    setLocaleState(l);
  }, []);
  const value = useMemo<I18nValue>(
    () => ({ locale, setLocale, t: (key, vars) => translate(locale, key, vars) }),
    [locale, setLocale],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
