// The asg route's form as plain data and functions: the Scaling step holds it in the wizard's
// $state, the tests hold a plain object.
import type { AsgTier, RouteSpec, Rule, TrackedMetric, ValidationError } from "../../api";

/**
 * The form. Numbers are what number inputs bind (null while empty or unreadable), so the form can
 * say which one to fix before the Spec is built.
 */
export interface AsgForm {
  instanceType: string;
  /** "latest" (Amazon Linux 2023) or an AMI id of the region. */
  ami: string;
  subnets: AsgTier;
  min: number | null;
  desired: number | null;
  max: number | null;
  /** "off" leaves target tracking out: the group then only changes size by hand or schedule. */
  metric: TrackedMetric | "off";
  target: number | null;
  graceSeconds: number | null;
  minHealthyPercentage: number | null;
}

/** The engine's defaults (crates/escala-core/src/routes/asg/spec.rs), with the seed's 1..4 instances starting at 2. */
export function defaults(): AsgForm {
  return {
    instanceType: "t3.micro",
    ami: "latest",
    subnets: "public",
    min: 1,
    desired: 2,
    max: 4,
    metric: "cpu",
    target: 70,
    graceSeconds: 300,
    minHealthyPercentage: 90,
  };
}

/** The target a metric starts with: 70 % CPU, or 1000 requests per instance per minute. */
export function defaultTarget(metric: TrackedMetric): number {
  return metric === "cpu" ? 70 : 1000;
}

/** Switches the metric target tracking follows; its target takes that metric's default. */
export function setMetric(form: AsgForm, metric: TrackedMetric | "off"): void {
  if (metric !== "off" && metric !== form.metric) form.target = defaultTarget(metric);
  form.metric = metric;
}

/** A whole number, not negative: what every count and duration of the route is. */
function isCount(n: number | null): n is number {
  return n !== null && Number.isInteger(n) && n >= 0;
}

export function unreadable(form: AsgForm): ValidationError[] {
  const fields: [Rule, string, number | null, boolean][] = [
    ["capacity", "capacity.min", form.min, true],
    ["capacity", "capacity.desired", form.desired, true],
    ["capacity", "capacity.max", form.max, true],
    ["scalingTarget", "scaling.targetTracking.target", form.target, form.metric !== "off"],
    ["healthCheckGrace", "healthCheckGraceSeconds", form.graceSeconds, true],
    ["rollout", "rollout.minHealthyPercentage", form.minHealthyPercentage, true],
  ];
  return fields
    .filter(([, , value, used]) => used && !isCount(value))
    .map(([rule, field]) => ({ rule, field: `route.asg.${field}`, message: "enter a whole number" }));
}

export function section(form: AsgForm): RouteSpec {
  const count = (n: number | null) => n ?? 0;
  return {
    asg: {
      ami: form.ami.trim(),
      instanceType: form.instanceType.trim(),
      subnets: form.subnets,
      capacity: { min: count(form.min), desired: count(form.desired), max: count(form.max) },
      healthCheckGraceSeconds: count(form.graceSeconds),
      scaling: {
        targetTracking: form.metric === "off" ? null : { metric: form.metric, target: count(form.target) },
      },
      // The warm-up stays the engine's default; only the share kept healthy is asked for.
      rollout: { minHealthyPercentage: count(form.minHealthyPercentage), warmupSeconds: 300 },
    },
  };
}

/** The fields AsgFields shows errors at. */
export const FIELDS =
  /^route\.asg\.(instanceType|ami|subnets|capacity(\.\w+)?|scaling\.targetTracking\.target|healthCheckGraceSeconds|rollout(\.\w+)?)$/;
