// The wizard's state and rules as plain data and functions: the screens hold it in a $state proxy,
// the tests hold a plain object. Functions mutate the state they are given.
import type {
  Connection,
  NatMode,
  PlanView,
  ResolvedNetwork,
  RouteSpec,
  Spec,
  SpecCheck,
  ValidationError,
} from "./api";
import {
  type RouteForms,
  type RouteName,
  defaultForms,
  routeSection,
  unreadableErrors as routeUnreadable,
} from "./routes";

export const STEPS = ["connect", "region", "network", "scale", "review", "apply"] as const;
export type Step = (typeof STEPS)[number];

/** The most zones a Spec may ask for (the engine's limit). */
const MAX_ZONES = 6;
export const DEFAULT_STACK_NAME = "escala-demo";

/**
 * One tier of subnets, one block per zone. Until the user edits a block the tier is "computed":
 * the Spec leaves it out and the engine places it from the VPC block, so it follows VPC edits.
 */
export interface Tier {
  values: string[];
  edited: boolean;
}
export type TierName = "publicSubnets" | "privateSubnets";

/** A result remembered with the Spec it was computed for, so a stale one is recognised. */
export interface ForSpec<T> {
  key: string;
  result: T;
}

/** How the stack scales its workload: a network only, or one of the registered routes. */
export type RouteChoice = "none" | RouteName;

/** The route the wizard starts with: the seed's first case study. */
export const DEFAULT_ROUTE: RouteChoice = "asg";

export interface Wizard {
  step: Step;
  connection: Connection | null;
  region: string | null;
  zones: number | null;
  name: string;
  vpcCidr: string;
  nat: NatMode;
  dnsHostnames: boolean;
  publicSubnets: Tier;
  privateSubnets: Tier;
  route: RouteChoice;
  /** Each route's form, kept while the user switches between routes. */
  forms: RouteForms;
  /** The network form was filled from draftSpec (done once; later region or zone changes keep the user's edits). */
  drafted: boolean;
  /** The check of the network alone (the Network step). */
  check: ForSpec<SpecCheck> | null;
  /** The check of the whole Spec, route included (the scaling step); a plan's refusal lands here too. */
  routeCheck: ForSpec<SpecCheck> | null;
  plan: ForSpec<PlanView> | null;
  apply: "none" | "running" | "finished";
}

export function initialWizard(): Wizard {
  return {
    step: "connect",
    connection: null,
    region: null,
    zones: null,
    name: DEFAULT_STACK_NAME,
    vpcCidr: "",
    nat: "single",
    dnsHostnames: true,
    publicSubnets: { values: [], edited: false },
    privateSubnets: { values: [], edited: false },
    route: DEFAULT_ROUTE,
    forms: defaultForms(),
    drafted: false,
    check: null,
    routeCheck: null,
    plan: null,
    apply: "none",
  };
}

/**
 * Three zones when the region has them: that is what high availability needs, and with one NAT
 * gateway more zones cost nothing extra (subnets are free). Fewer regions' zones cap it.
 */
export function defaultZoneCount(available: number): number {
  return Math.max(1, Math.min(3, available, MAX_ZONES));
}

/** The zone counts a region offers: 1..N, capped at the engine's maximum. */
export function zoneChoices(available: number): number[] {
  const n = Math.min(available, MAX_ZONES);
  return Array.from({ length: n }, (_, i) => i + 1);
}

/** High availability needs three zones: warn when the region can't offer them or fewer are chosen. */
export function needsHaWarning(available: number, chosen: number | null): boolean {
  return available < 3 || (chosen ?? 0) < 3;
}

/** The Spec of the network form alone, or null before a region and zone count are chosen. */
export function networkSpec(w: Wizard): Spec | null {
  if (w.region === null || w.zones === null) return null;
  return {
    apiVersion: "escala/v1",
    kind: "Stack",
    name: w.name.trim(),
    region: w.region,
    network: {
      vpcCidr: w.vpcCidr.trim(),
      zones: w.zones,
      publicSubnets: w.publicSubnets.edited ? w.publicSubnets.values.map((v) => v.trim()) : null,
      privateSubnets: w.privateSubnets.edited ? w.privateSubnets.values.map((v) => v.trim()) : null,
      nat: w.nat,
      dnsHostnames: w.dnsHostnames,
    },
  };
}

/**
 * The route's fields that hold nothing the Spec can take, as errors of the rule each answers to;
 * no Spec can be built until they are fixed.
 */
export function unreadableErrors(w: Wizard): ValidationError[] {
  return w.route === "none" ? [] : routeUnreadable(w.route, w.forms);
}

/** The route section of the Spec, or null for a network only. Call once `unreadableErrors` is empty. */
function routeSpec(w: Wizard): RouteSpec | null {
  return w.route === "none" ? null : routeSection(w.route, w.forms);
}

/**
 * The Spec the whole form describes, route included; null before a region and zone count are
 * chosen, or while a route number can't be read.
 */
export function buildSpec(w: Wizard): Spec | null {
  const spec = networkSpec(w);
  if (!spec || unreadableErrors(w).length > 0) return null;
  const route = routeSpec(w);
  return route ? { ...spec, route } : spec;
}

export function specKey(spec: Spec | null): string {
  return JSON.stringify(spec);
}

/** The network check's result when it was made for the network form as it is now. */
export function currentCheck(w: Wizard): SpecCheck | null {
  return w.check && w.check.key === specKey(networkSpec(w)) ? w.check.result : null;
}

/** The whole Spec's check (or the plan's refusal) when it was made for the form as it is now. */
export function currentRouteCheck(w: Wizard): SpecCheck | null {
  const spec = buildSpec(w);
  return spec && w.routeCheck && w.routeCheck.key === specKey(spec) ? w.routeCheck.result : null;
}

export function currentPlan(w: Wizard): PlanView | null {
  return w.plan && w.plan.key === specKey(buildSpec(w)) ? w.plan.result : null;
}

export function canContinue(w: Wizard, step: Step): boolean {
  switch (step) {
    case "connect":
      return w.connection !== null;
    case "region":
      return w.region !== null && w.zones !== null && w.zones > 0;
    case "network": {
      const check = currentCheck(w);
      return w.name.trim() !== "" && check !== null && check.errors.length === 0;
    }
    case "scale": {
      if (w.route === "none") return true;
      const check = currentRouteCheck(w);
      return check !== null && check.errors.length === 0;
    }
    case "review":
      return currentPlan(w) !== null;
    case "apply":
      return false;
  }
}

/** Every step before it can continue; Apply only once a run exists; nothing else while one runs. */
export function isReachable(w: Wizard, step: Step): boolean {
  if (w.apply === "running") return step === "apply";
  if (step === "apply") return w.apply !== "none";
  const index = STEPS.indexOf(step);
  return STEPS.slice(0, index).every((s) => canContinue(w, s));
}

export function goTo(w: Wizard, step: Step): boolean {
  if (!isReachable(w, step)) return false;
  w.step = step;
  return true;
}

/** Moves to the next step when the current one is complete; Review moves on by applying instead. */
export function next(w: Wizard): boolean {
  const index = STEPS.indexOf(w.step);
  if (w.step === "review" || w.step === "apply" || !canContinue(w, w.step)) return false;
  return goTo(w, STEPS[index + 1]);
}

export function back(w: Wizard): boolean {
  const index = STEPS.indexOf(w.step);
  if (index === 0 || w.apply === "running") return false;
  // From Apply, Back returns to Review (re-planned), which is what a second apply would start from.
  return goTo(w, STEPS[index - 1]);
}

/** A new connection may reach another account: checks and plans made through the old one no longer hold. */
export function setConnection(w: Wizard, connection: Connection | null): void {
  w.connection = connection;
  w.check = null;
  w.routeCheck = null;
  w.plan = null;
  if (connection === null) w.step = "connect";
}

/** Chooses a region; the zone count is kept when the region has that many, else it takes the default. */
export function setRegion(w: Wizard, region: string, available: number): void {
  w.region = region;
  const keep = w.zones !== null && w.zones <= Math.min(available, MAX_ZONES);
  setZones(w, keep && w.zones !== null ? w.zones : defaultZoneCount(available));
}

export function setZones(w: Wizard, zones: number): void {
  w.zones = zones;
  w.publicSubnets = resizeTier(w.publicSubnets, zones);
  w.privateSubnets = resizeTier(w.privateSubnets, zones);
}

/** One block per zone: extra zones get an empty block (filled from the engine's layout), fewer drop the last. */
function resizeTier(tier: Tier, zones: number): Tier {
  const values = tier.values.slice(0, zones);
  while (values.length < zones) values.push("");
  return { values, edited: tier.edited };
}

export function editSubnet(w: Wizard, tier: TierName, index: number, value: string): void {
  const values = [...w[tier].values];
  values[index] = value;
  w[tier] = { values, edited: true };
}

/** Back to the engine's layout: the Spec leaves the tier out again. */
export function resetTier(w: Wizard, tier: TierName): void {
  w[tier] = { values: w[tier].values.map(() => ""), edited: false };
}

/** The first time the network form opens, the engine's draft gives its starting values. */
export function applyDraft(w: Wizard, draft: Spec): void {
  w.vpcCidr = draft.network.vpcCidr;
  w.nat = draft.network.nat ?? "single";
  w.dnsHostnames = draft.network.dnsHostnames ?? true;
  // The draft's subnets (when it lists them) are the computed layout, so they fill the tiers unedited.
  w.publicSubnets = fillTier(w.publicSubnets, draft.network.publicSubnets ?? [], true);
  w.privateSubnets = fillTier(w.privateSubnets, draft.network.privateSubnets ?? [], true);
  w.drafted = true;
}

/** Records a check for the Spec it was made for, and shows the layout it resolved. */
export function applyCheck(w: Wizard, spec: Spec, result: SpecCheck): void {
  w.check = { key: specKey(spec), result };
  applyLayout(w, result.network);
}

/** Records the whole Spec's check, made on the scaling step. */
export function applyRouteCheck(w: Wizard, spec: Spec, result: SpecCheck): void {
  w.routeCheck = { key: specKey(spec), result };
}

/**
 * The region refused the route while planning (an instance type it doesn't offer, an AMI it
 * doesn't have): the errors stay with that Spec, so the scaling step shows them at their fields and
 * won't continue until the form changes. True when there were route errors to keep.
 */
export function refuseRoute(w: Wizard, spec: Spec, errors: ValidationError[]): boolean {
  const route = errors.filter((e) => e.field.startsWith("route."));
  if (route.length === 0) return false;
  w.routeCheck = { key: specKey(spec), result: { network: null, cost: null, errors: route } };
  return true;
}

/**
 * Computed tiers show the engine's layout; an edited tier only takes layout blocks for its empty
 * entries (zones added after the edit).
 */
export function applyLayout(w: Wizard, network: ResolvedNetwork | null): void {
  if (!network) return;
  w.publicSubnets = fillTier(w.publicSubnets, network.public.map((s) => s.cidr), false);
  w.privateSubnets = fillTier(w.privateSubnets, network.private.map((s) => s.cidr), false);
}

/** Layout blocks into a tier: all of them when it is computed (or `replace`), else only into blanks. */
function fillTier(tier: Tier, layout: string[], replace: boolean): Tier {
  if (layout.length === 0) return tier;
  const computed = replace || !tier.edited;
  const values = tier.values.map((v, i) => (computed || v.trim() === "" ? (layout[i] ?? v) : v));
  return { values, edited: tier.edited && !replace };
}

/** True when an edited tier has empty entries that need the engine's layout to fill them. */
export function hasBlanks(w: Wizard): boolean {
  return [w.publicSubnets, w.privateSubnets].some(
    (t) => t.edited && t.values.some((v) => v.trim() === ""),
  );
}

/** The network form's Spec with both tiers computed: checking it gives the layout for blank entries. */
export function layoutSpec(w: Wizard): Spec | null {
  const spec = networkSpec(w);
  if (!spec) return null;
  return { ...spec, network: { ...spec.network, publicSubnets: null, privateSubnets: null } };
}

export function setPlan(w: Wizard, spec: Spec, plan: PlanView): void {
  w.plan = { key: specKey(spec), result: plan };
}

export function startApply(w: Wizard): boolean {
  if (!canContinue(w, "review") || w.apply === "running") return false;
  w.apply = "running";
  w.step = "apply";
  return true;
}

/** The cloud has changed, so the plan shown before is spent: Review plans again. */
export function finishApply(w: Wizard): void {
  w.apply = "finished";
  w.plan = null;
}
