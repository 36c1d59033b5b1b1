// Every route's words, merged into the catalogs (see ../i18n.ts). A route registers here once.
import * as asg from "./asg/messages";
import * as fargate from "./fargate/messages";

const ROUTES = [asg, fargate];

/** A union of catalogs as one catalog with all their keys. */
type Merged<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

export type RouteMessages = Merged<(typeof ROUTES)[number]["en"]>;

export const routeEn = Object.assign({}, ...ROUTES.map((r) => r.en)) as RouteMessages;
export const routeEs = Object.assign({}, ...ROUTES.map((r) => r.es)) as Record<keyof RouteMessages, string>;
