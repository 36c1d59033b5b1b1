// The route whose words a validation error is told in: that of the Spec the errors were found in.
// The step that checks a Spec with a route provides it once, so the route's form and the errors
// listed apart need not pass it to every field; under a step that checks the network alone none is
// provided, and its errors are the Spec's own.
import { createContext } from "svelte";
import type { SpecRoute } from "./i18n";

const [get, set, has] = createContext<() => SpecRoute>();

/** Called while the checking step initialises, with a getter so a change of route is followed. */
export function provideErrorRoute(route: () => SpecRoute): void {
  set(route);
}

/** Called while a component showing errors initialises: the route to tell them by. */
export function errorRoute(): () => SpecRoute {
  return has() ? get() : () => "none";
}
