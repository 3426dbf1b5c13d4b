// vue-i18n with English and Simplified Chinese; the choice (not a secret) is remembered in localStorage.
import { createI18n } from 'vue-i18n';
import { en } from './en.js';
import { zhCN } from './zh-CN.js';

export const LOCALES = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '简体中文' },
] as const;
export type LocaleCode = (typeof LOCALES)[number]['code'];

const LOCALE_ITEM = 'llmgw.console.locale';

function initialLocale(): LocaleCode {
  const saved = globalThis.localStorage?.getItem(LOCALE_ITEM);
  if (saved === 'en' || saved === 'zh-CN') return saved;
  return globalThis.navigator?.language?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export const i18n = createI18n({ legacy: false, locale: initialLocale(), fallbackLocale: 'en', messages: { en, 'zh-CN': zhCN } });

export function setLocale(code: LocaleCode): void {
  i18n.global.locale.value = code;
  globalThis.localStorage?.setItem(LOCALE_ITEM, code);
  document.documentElement.lang = code;
}
