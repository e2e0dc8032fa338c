import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { Locale as AntdLocale } from 'antd/es/locale';
import zhCNAntd from 'antd/locale/zh_CN';
import { zhCN, type MessageKey } from './zh-CN';

export type Locale = 'zh-CN' | 'en';
export type Translate = (key: MessageKey | string, vars?: Record<string, string | number>) => string;

/**
 * zh-CN, the default, ships with the first screen; English is its own chunk (./english), loaded on
 * the switch or at start for a user who chose it. Until it is in, a lookup answers in Chinese.
 */
const dictionaries: Partial<Record<Locale, Record<string, string>>> = { 'zh-CN': zhCN };
const antdLocales: Partial<Record<Locale, AntdLocale>> = { 'zh-CN': zhCNAntd };
const STORAGE_KEY = 'rexian.locale';

/** Fetches a language's words (and Ant Design's) once; resolves when lookups answer in it. */
export async function loadLocale(l: Locale): Promise<void> {
  if (dictionaries[l]) return;
  const { english } = await import('./english');
  dictionaries.en = english.messages;
  antdLocales.en = english.antd;
}

/** Ant Design's own words (pagination, pickers, empty lists) for a loaded language. */
export const antdLocaleOf = (l: Locale): AntdLocale => antdLocales[l] ?? zhCNAntd;

/** Pure lookup so non-React code (api client, tests) can translate too; unknown keys echo back. */
export function translate(locale: Locale, key: string, vars?: Record<string, string | number>): string {
  const template = dictionaries[locale]?.[key] ?? zhCN[key as MessageKey] ?? key;
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
  // main.tsx loads the starting language before the first render, so this one is in.
  const [locale, setLocaleState] = useState<Locale>(() => (dictionaries[currentLocale] ? currentLocale : 'zh-CN'));
  const setLocale = useCallback((l: Locale) => {
    const apply = () => {
      currentLocale = l;
      try {
        localStorage.setItem(STORAGE_KEY, l);
      } catch {
        // private mode: the switch still works for this tab
      }
      document.documentElement.lang = l;
      setLocaleState(l);
    };
    if (dictionaries[l]) apply();
    else {
      loadLocale(l).then(apply, (err: unknown) => {
        // Offline or a new deployment replaced the chunk: the console stays in Chinese and says so in the log.
        console.error(`the ${l} dictionary could not be loaded; staying in Chinese`, err);
      });
    }
  }, []);
  const value = useMemo<I18nValue>(() => ({ locale, setLocale, t: (key, vars) => translate(locale, key, vars) }), [locale, setLocale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
