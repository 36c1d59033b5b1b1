// What a route brings to the wizard: its form's defaults and rules, the Spec section it builds,
// and the component that draws its form on the Scaling step. Routes register in ./index.ts.
import type { Component } from "svelte";
import type { CostEstimate, RouteSpec, ValidationError } from "../api";

/** What the Scaling step hands a route's form: its state, and the errors to show at each field. */
export interface FormProps<F> {
  form: F;
  errorsFor: (field: string) => ValidationError[];
  /** The errors at a field and inside it (a map's keys, a list's items). */
  errorsUnder: (field: string) => ValidationError[];
  /** The engine's estimate for the Spec as last checked, for a form that prices its choices. */
  cost: CostEstimate | null;
}

export interface RouteModule<F> {
  /** The route's name: its Spec section's key, and its deploy user's route. */
  name: string;
  /** The form a new wizard starts with. */
  defaults: () => F;
  /**
   * The fields that hold nothing the Spec can take (an empty or fractional number), as errors of
   * the rule each answers to, so the form marks them like the engine's own. No Spec is built until
   * there are none.
   */
  unreadable: (form: F) => ValidationError[];
  /** The Spec's `route:` section; called once `unreadable` is empty. */
  section: (form: F) => RouteSpec;
  /** Whether its stacks have a scaling dashboard (a group to chart and scale), offered after an apply. */
  dashboard: boolean;
  /** The error fields the form shows at their inputs; others are listed apart. */
  fields: RegExp;
  /** The form, drawn on the Scaling step, which binds `form` to the wizard's state. */
  Fields: Component<FormProps<F>, object, "form">;
}
