// Translation without framework state, so language choice and every message can be unit-tested.
import type { Rule, ValidationError } from "./api";
import { en, type MessageKey, type Messages } from "./locales/en";
import { es } from "./locales/es";

export type Lang = "en" | "es";
export type LangPref = "auto" | Lang;
export type Params = Record<string, string | number>;

export const LANG_PREFS: readonly LangPref[] = ["auto", "en", "es"];
export const STORAGE_KEY = "escala.language";

const CATALOGS: Record<Lang, Messages> = { en, es };

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
  return key in en;
}

const FIELD = /^network\.(publicSubnets|privateSubnets|zones)\[(\d+)\]$/;
const SCHEDULED = /^route\.asg\.scaling\.scheduled\[(\d+)\]\.(name|cron|capacity)$/;

/** The label of one numbered item, counting from 1 as people do. */
function itemLabel(lang: Lang, key: string, index: string): string | undefined {
  return isKey(key) ? translate(lang, key, { n: Number(index) + 1 }) : undefined;
}

/** A Spec path (`network.publicSubnets[1]`) as the form names it ("public subnet 2"). */
export function fieldLabel(lang: Lang, field: string): string {
  const indexed = FIELD.exec(field);
  const item = indexed && itemLabel(lang, `field.${indexed[1]}.item`, indexed[2]);
  if (item) return item;
  const scheduled = SCHEDULED.exec(field);
  const action = scheduled && itemLabel(lang, `field.scheduled.${scheduled[2]}`, scheduled[1]);
  if (action) return action;
  const key = `field.${field}`;
  return isKey(key) ? translate(lang, key) : field;
}

/** What to fix, in the user's language; a rule this UI doesn't know keeps the engine's English text. */
export function ruleMessage(lang: Lang, error: ValidationError): string {
  const key = `rule.${error.rule}`;
  if (!isKey(key)) return error.message;
  return translate(lang, key, { field: fieldLabel(lang, error.field) });
}

export function errorTitle(lang: Lang, code: string): string {
  const key = `error.${code}`;
  return isKey(key) ? translate(lang, key) : translate(lang, "error.internal");
}

/** The friendly name of a resource kind; unknown kinds keep their raw name. */
export function kindName(lang: Lang, kind: string): string {
  const key = `kind.${kind}`;
  return isKey(key) ? translate(lang, key) : kind;
}

// Keyed by the Rule union, so a rule added on the Rust side fails to compile here until it has a message.
const RULE_SET: Record<Rule, true> = {
  apiVersion: true,
  kind: true,
  name: true,
  region: true,
  vpcCidr: true,
  zoneCount: true,
  zoneName: true,
  zoneDuplicate: true,
  zoneNotInRegion: true,
  tooManyZones: true,
  subnetCidr: true,
  subnetCount: true,
  subnetOutsideVpc: true,
  subnetOverlap: true,
  vpcTooSmall: true,
  noSubnets: true,
  natWithoutPublicSubnets: true,
  natWithoutPrivateSubnets: true,
  amiId: true,
  instanceType: true,
  capacity: true,
  loadBalancerZones: true,
  healthCheckGrace: true,
  userData: true,
  keyPair: true,
  keyFile: true,
  scalingTarget: true,
  stepScaling: true,
  schedule: true,
  warmPool: true,
  rollout: true,
};
export const RULES = Object.keys(RULE_SET) as Rule[];

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
