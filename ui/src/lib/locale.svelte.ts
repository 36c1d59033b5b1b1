// The UI's language as reactive state: components call t() and re-render when the choice changes.
import {
  type Lang,
  type LangPref,
  type Params,
  loadPref,
  plural,
  resolveLanguage,
  savePref,
  translate,
} from "./i18n";
import type { MessageKey } from "./i18n";

const state = $state({
  pref: loadPref(globalThis.localStorage),
  system: globalThis.navigator?.language,
});

export const locale = {
  get lang(): Lang {
    return resolveLanguage(state.pref, state.system);
  },
  get pref(): LangPref {
    return state.pref;
  },
  set pref(pref: LangPref) {
    state.pref = pref;
    savePref(globalThis.localStorage, pref);
  },
};

export function t(key: MessageKey, params?: Params): string {
  return translate(locale.lang, key, params);
}

export function tp(key: Parameters<typeof plural>[1], count: number, params?: Params): string {
  return plural(locale.lang, key, count, params);
}
