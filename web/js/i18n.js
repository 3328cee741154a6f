// i18n.js — the message catalogue (web/i18n/<lang>.json).  Every string a
// person sees comes from here: t(key, params) in code, data-i18n* attributes
// in index.html.  zh-CN is the default; the choice is kept in localStorage.
// Texts that come from the API ("中文 (English)") are split by bi().
const STORE_KEY = 'opsdesk.lang';
export const LANGS = ['zh-CN', 'en'];
let lang = LANGS.includes(localStorage.getItem(STORE_KEY)) ? localStorage.getItem(STORE_KEY) : 'zh-CN';
let cat = {};

export function currentLang() { return lang; }

export async function loadLang(l) {
  if (!LANGS.includes(l)) l = 'zh-CN';
  const r = await fetch(`/i18n/${l}.json`, { credentials: 'same-origin' });
  cat = await r.json();
  lang = l;
  localStorage.setItem(STORE_KEY, l);
  document.documentElement.lang = l;
  applyStatic(document);
}

// t('common.total', {n: 3}) → the catalogue text with {n} replaced.
export function t(key, params) {
  let s = cat[key];
  if (s === undefined) {
    console.warn('i18n: missing key', key);
    return key;
  }
  if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (params[k] !== undefined ? String(params[k]) : m));
  return s;
}

// A key that may not exist (e.g. a role the catalogue does not know): the fallback instead.
export function tOr(key, fallback) { return cat[key] !== undefined ? cat[key] : fallback; }

export function applyStatic(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-aria-label]')) el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.setAttribute('title', t(el.dataset.i18nTitle));
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.setAttribute('placeholder', t(el.dataset.i18nPlaceholder));
  document.title = t('app.title');
}

// The API writes people's texts as "中文 (English)": the part for the
// current language (the whole text when it has no such shape).
export function bi(text) {
  if (typeof text !== 'string') return text == null ? '' : String(text);
  const s = text.trim();
  if (!s.endsWith(')')) return s;
  let depth = 0;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s[i];
    if (c === ')') depth++;
    else if (c === '(') {
      depth--;
      if (depth === 0) {
        const zh = s.slice(0, i).trim(), en = s.slice(i + 1, -1).trim();
        if (!zh || !/[\u3400-\u9fff]/.test(zh)) return s;
        return lang === 'en' ? en : zh;
      }
    }
  }
  return s;
}
