// Translation without framework state, so language choice and every message can be unit-tested.
import type { ValidationError } from "./api";
import { en } from "./locales/en";
import { es } from "./locales/es";
import { type MessageRoute, type RouteMessages, routeEn, routeEs, routeRules } from "./routes/messages";

/** Every message's key: the app's own and the routes'. */
export type MessageKey = keyof typeof en | keyof RouteMessages;

export type Lang = "en" | "es";
/** The route of the Spec an error was found in, whose words its rule takes; "none" for a network only. */
export type SpecRoute = MessageRoute | "none";
export type LangPref = "auto" | Lang;
export type Params = Record<string, string | number>;

export const LANG_PREFS: readonly LangPref[] = ["auto", "en", "es"];
export const STORAGE_KEY = "escala.language";

const CATALOGS: Record<Lang, Record<MessageKey, string>> = {
  en: { ...en, ...routeEn },
  es: { ...es, ...routeEs },
};

/** The OS language as the webview reports it: any Spanish variant gets Spanish, the rest English. */
export function detectLanguage(navigatorLanguage: string | undefined): Lang {
  return navigatorLanguage?.toLowerCase().startsWith("es") ? "es" : "en";
}

export function resolveLanguage(pref: LangPref, navigatorLanguage: string | undefined): Lang {
  return pref === "auto" ? detectLanguage(navigatorLanguage) : pref;
}

/** The saved choice; anything unexpected in storage counts as "auto". */
export function loadPref(storage: Pick<Storage, "getItem"> | undefined): LangPref {
  const saved = storage?.getItem(STORAGE_KEY);
  return LANG_PREFS.find((p) => p === saved) ?? "auto";
}

export function savePref(storage: Pick<Storage, "setItem" | "removeItem">, pref: LangPref): void {
  if (pref === "auto") storage.removeItem(STORAGE_KEY);
  else storage.setItem(STORAGE_KEY, pref);
}

function interpolate(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  return interpolate(CATALOGS[lang][key], params);
}

/** Picks `key.one` or `key.other` by count; both languages use "one" for 1 only. */
export function plural(
  lang: Lang,
  key: "zones" | "resourcesLeft" | "resources" | "tasksWaiting",
  count: number,
  params: Params = {},
): string {
  const form = count === 1 ? "one" : "other";
  return translate(lang, `${key}.${form}`, { ...params, count });
}

function isKey(key: string): key is MessageKey {
  return key in CATALOGS.en;
}

/**
 * A numbered item of a list in the Spec, or a field of one, however deep: `network.publicSubnets[1]`,
 * `route.asg.scaling.scheduled[0].cron`, `route.fargate.scaling.scheduled[0].tasks.min`,
 * `route.kubernetes.nodeGroups[0].instanceTypes[2]`. The item is the outermost list's.
 */
const ITEM = /^(.+?)\[(\d+)\](?:\.(.+))?$/;

/**
 * A Spec path as the form names it: "public subnet 2" for `network.publicSubnets[1]`, from the
 * key `field.network.publicSubnets.item`, counting from 1 as people do. Inside an item, a list
 * within it (`instanceTypes[2]`) or a map's key (`labels.role`) is named as the whole field.
 */
export function fieldLabel(lang: Lang, field: string): string {
  const item = ITEM.exec(field);
  if (item) {
    const [, list, index, leaf] = item;
    const inner = leaf?.replace(/\[\d+\]/g, "");
    const leaves = inner ? [inner, inner.split(".")[0]] : [""];
    for (const l of leaves) {
      const key = `field.${list}${l ? `.${l}` : ""}.item`;
      if (isKey(key)) return translate(lang, key, { n: Number(index) + 1 });
    }
  }
  const key = `field.${field}`;
  return isKey(key) ? translate(lang, key) : field;
}

/**
 * What to fix, in the user's language. Routes share rule names (scalingTarget, schedule) but not
 * their words, so a route's rule is told by the route the Spec uses; the Spec's own rules are the
 * app's. A rule this UI doesn't know keeps the engine's English text.
 */
export function ruleMessage(lang: Lang, route: SpecRoute, error: ValidationError): string {
  const own = route === "none" ? undefined : routeRules(route, lang)[error.rule];
  const key = `rule.${error.rule}`;
  const template = own ?? (isKey(key) ? CATALOGS[lang][key] : undefined);
  if (template === undefined) return error.message;
  return interpolate(template, { field: fieldLabel(lang, error.field) });
}

export function errorTitle(lang: Lang, code: string): string {
  const key = `error.${code}`;
  return isKey(key) ? translate(lang, key) : translate(lang, "error.internal");
}

/** A route as people call it; one this UI doesn't know keeps the engine's own summary. */
export function routeName(lang: Lang, name: string, summary: string): string {
  const key = `route.${name}`;
  return isKey(key) ? translate(lang, key) : summary;
}

/** The friendly name of a resource kind; unknown kinds keep their raw name. */
export function kindName(lang: Lang, kind: string): string {
  const key = `kind.${kind}`;
  return isKey(key) ? translate(lang, key) : kind;
}

/**
 * The error codes with a title of their own: the contract's, the shell's "notConnected", and the
 * UI's "internal". A code not listed gets the generic title.
 */
export const ERROR_CODES = [
  "invalid",
  "credentials",
  "aws",
  "cancelled",
  "sandbox",
  "keyring",
  "notFound",
  "notConnected",
  "busy",
  "io",
  "internal",
] as const;
