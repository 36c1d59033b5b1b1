// The Compare screen's logic, apart from its markup: the demand shape it asks for, how a row's
// figures read, and carrying a setting into the wizard's Scaling step.
import type { RouteName } from "./routes";
import { type Wizard, goTo } from "./wizard";

/** The simulator's built-in shapes (escala-sim's `shapes::NAMES`), each with the setting its peak is. */
export const SHAPES = [
  { name: "flash-crowd", peak: "peak" },
  { name: "daily", peak: "high" },
  { name: "ramp", peak: "to" },
  { name: "step", peak: "after" },
] as const;
export type ShapeName = (typeof SHAPES)[number]["name"];

/** The trace the simulator reads: a shape with its peak set, e.g. `flash-crowd:peak=400`. */
export function traceOf(shape: ShapeName, peak: number): string {
  const s = SHAPES.find((x) => x.name === shape) ?? SHAPES[0];
  return `${s.name}:${s.peak}=${Math.max(0, Math.round(peak))}`;
}

/** A duration as the table shows it: `4m05s`, `12s`, or a dash when it never happened. */
export function duration(seconds: number | null): string {
  if (seconds === null) return "—";
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
}

/**
 * Carries a route and its target into the wizard: the route is chosen and its policy's target
 * set (asg and fargate track CPU; Kubernetes' HPA keeps its CPU). Returns whether the wizard could
 * open at its Scaling step (it can once a connection, region and network are set).
 */
export function useSetting(w: Wizard, route: RouteName, target: number | null): boolean {
  w.route = route;
  if (target !== null) {
    if (route === "asg") {
      w.forms.asg.metric = "cpu";
      w.forms.asg.target = target;
    } else if (route === "fargate") {
      w.forms.fargate.tracking = true;
      w.forms.fargate.metric = "cpu";
      w.forms.fargate.target = target;
    } else {
      w.forms.kubernetes.targetCpu = target;
    }
  }
  return goTo(w, "scale");
}
