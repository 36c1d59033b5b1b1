// Every route's words, merged into the catalogs (see ../i18n.ts), and its rules' texts, looked up
// by route. A route registers here once.
import type { Rule } from "../api";
import type { Lang } from "../i18n";
import * as asg from "./asg/messages";
import * as fargate from "./fargate/messages";
import * as kubernetes from "./kubernetes/messages";

const ROUTES = { asg, fargate, kubernetes };

/** A route with words of its own: the same names as ./index.ts registers (index.test.ts checks). */
export type MessageRoute = keyof typeof ROUTES;

export const MESSAGE_ROUTES = Object.keys(ROUTES) as MessageRoute[];

/** A union of catalogs as one catalog with all their keys. */
type Merged<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

export type RouteMessages = Merged<(typeof ROUTES)[MessageRoute]["en"]>;

export const routeEn = Object.assign({}, ...Object.values(ROUTES).map((r) => r.en)) as RouteMessages;
export const routeEs = Object.assign({}, ...Object.values(ROUTES).map((r) => r.es)) as Record<keyof RouteMessages, string>;

/** A route's rule texts in one language; a rule of the Spec or of another route isn't there. */
export function routeRules(route: MessageRoute, lang: Lang): Partial<Record<Rule, string>> {
  return ROUTES[route].rules[lang];
}
