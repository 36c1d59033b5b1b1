// The routes the wizard offers, each a folder of its own (its form, its words, its component).
// A route registers here once; the Scaling step, the Spec builder and the deploy user's route
// choice all come from this list.
import type { RouteSpec, ValidationError } from "../api";
import { asg } from "./asg";
import { fargate } from "./fargate";
import { kubernetes } from "./kubernetes";
import type { RouteModule } from "./route";

export const ROUTES = { asg, fargate, kubernetes };

export type RouteName = keyof typeof ROUTES;

type FormOf<M> = M extends RouteModule<infer F> ? F : never;

/** Each route's form. */
export type RouteForms = { [K in RouteName]: FormOf<(typeof ROUTES)[K]> };

export const ROUTE_NAMES = Object.keys(ROUTES) as RouteName[];

/** A route's module with its form's type erased, for code that passes the route's own form back. */
function erased(name: RouteName): RouteModule<unknown> {
  return ROUTES[name] as unknown as RouteModule<unknown>;
}

export function defaultForms(): RouteForms {
  return Object.fromEntries(ROUTE_NAMES.map((n) => [n, ROUTES[n].defaults()])) as RouteForms;
}

export function unreadableErrors(name: RouteName, forms: RouteForms): ValidationError[] {
  return erased(name).unreadable(forms[name]);
}

export function routeSection(name: RouteName, forms: RouteForms): RouteSpec {
  return erased(name).section(forms[name]);
}

/** Whether a stack of this route (or of none, `"none"`) has a scaling dashboard. */
export function hasDashboard(name: RouteName | "none"): boolean {
  return name !== "none" && ROUTES[name].dashboard;
}

/**
 * A route's form component with its form's type erased, so the Scaling step can bind whichever
 * route's form is chosen (a union of the routes' components would want every form at once).
 */
export function formComponent(name: RouteName): RouteModule<unknown>["Fields"] {
  return erased(name).Fields;
}

export function formFields(name: RouteName): RegExp {
  return ROUTES[name].fields;
}
