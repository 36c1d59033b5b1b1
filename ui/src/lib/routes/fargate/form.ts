// The fargate route's form as plain data and functions: the Scaling step holds it in the wizard's
// $state, the tests hold a plain object.
import type { RouteSpec, Rule, ValidationError } from "../../api";
import type { Engine, Placement, Platform, ServiceMetric } from "../../bindings";
import { type ScheduleRow, scheduledActions } from "./schedule";

/**
 * The form. Numbers are what number inputs bind (null while empty or unreadable), so the form can
 * say which one to fix before the Spec is built. The task size and the log retention come from
 * selects, so they always hold one of the values offered.
 */
export interface FargateForm {
  /** CPU units per task (1024 is one vCPU), one of TASK_SIZES with `memory`. */
  cpu: number;
  /** Memory per task in MiB. */
  memory: number;
  platform: Platform;
  port: number | null;
  healthCheckPath: string;
  min: number | null;
  desired: number | null;
  max: number | null;
  subnets: Placement;
  fargateBase: number | null;
  fargateWeight: number | null;
  spotWeight: number | null;
  /** No task below the minimum may be on Spot: the engine then wants the base to cover the minimum. */
  neverInterrupt: boolean;
  /** Off leaves target tracking out (`targetTracking: null`): the service keeps its task count. */
  tracking: boolean;
  metric: ServiceMetric;
  /** Average CPU in percent, or requests per task per minute; may be fractional. */
  target: number | null;
  scaleOutCooldown: number | null;
  scaleInCooldown: number | null;
  /** Task bounds on a schedule, on top of (or instead of) target tracking. */
  scheduled: ScheduleRow[];
  /** The replication group's engine, or `none`: then one task holds every room, so tasks must be 1/1/1. */
  redis: Engine | "none";
  redisNodeType: string;
  redisReplicas: number | null;
  logRetentionDays: number;
  /** The ECR repository refuses to push a tag again with other content. */
  immutableTags: boolean;
  /** ECR scans each pushed image for known vulnerabilities. */
  scanOnPush: boolean;
  /** Seconds a stopping task keeps serving its users after it leaves the target group. */
  deregistrationDelay: number | null;
}

export interface TaskSize {
  cpu: number;
  memory: number;
}

/**
 * Fargate's task sizes, per AWS's table (crates/escala-core/src/routes/fargate/rules.rs,
 * `memory_range`): for each CPU size, its memory from, to and step in MiB.
 */
const MEMORY_RANGES: [number, number, number, number][] = [
  [512, 1024, 4096, 1024],
  [1024, 2048, 8192, 1024],
  [2048, 4096, 16384, 1024],
  [4096, 8192, 30720, 1024],
  [8192, 16384, 61440, 4096],
  [16384, 32768, 122880, 8192],
];

/** Every CPU/memory pair Fargate runs, smallest first; 256 units take 512, 1024 or 2048 MiB only. */
export const TASK_SIZES: TaskSize[] = [
  ...[512, 1024, 2048].map((memory) => ({ cpu: 256, memory })),
  ...MEMORY_RANGES.flatMap(([cpu, from, to, step]) =>
    Array.from({ length: (to - from) / step + 1 }, (_, i) => ({ cpu, memory: from + i * step })),
  ),
];

/** CloudWatch Logs' retention periods, in days (rules.rs, `RETENTION_DAYS`). */
export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** The Redis node types offered in the list; any other the region offers can be typed in. */
export const NODE_TYPES = ["cache.t4g.micro", "cache.t4g.small", "cache.t4g.medium", "cache.r7g.large"];

/** A task size as the size select's value: "256/512". */
export function sizeKey(size: TaskSize): string {
  return `${size.cpu}/${size.memory}`;
}

/** Sets the task size from the size select's value. */
export function setSize(form: FargateForm, key: string): void {
  const size = TASK_SIZES.find((s) => sizeKey(s) === key);
  if (size) {
    form.cpu = size.cpu;
    form.memory = size.memory;
  }
}

/**
 * The engine's defaults (crates/escala-core/src/routes/fargate/spec.rs), with the seed's case
 * (examples/seed-fargate.yaml): 1..6 tasks starting at 2, the first on FARGATE and the rest split
 * evenly with FARGATE_SPOT.
 */
export function defaults(): FargateForm {
  return {
    cpu: 256,
    memory: 512,
    platform: "linux/amd64",
    port: 3000,
    healthCheckPath: "/healthz",
    min: 1,
    desired: 2,
    max: 6,
    subnets: "private",
    fargateBase: 1,
    fargateWeight: 1,
    spotWeight: 1,
    neverInterrupt: false,
    tracking: true,
    metric: "cpu",
    target: 60,
    scaleOutCooldown: 60,
    scaleInCooldown: 300,
    scheduled: [],
    redis: "valkey",
    redisNodeType: "cache.t4g.micro",
    redisReplicas: 0,
    logRetentionDays: 14,
    immutableTags: true,
    scanOnPush: true,
    deregistrationDelay: 30,
  };
}

/** The target a metric starts with: 60 % CPU, or 1000 requests per task per minute. */
export function defaultTarget(metric: ServiceMetric): number {
  return metric === "cpu" ? 60 : 1000;
}

/** Switches the metric target tracking follows; its target takes that metric's default. */
export function setMetric(form: FargateForm, metric: ServiceMetric): void {
  if (metric !== form.metric) form.target = defaultTarget(metric);
  form.metric = metric;
}

/**
 * How many of `tasks` run on Spot, the way ECS places them (the base on FARGATE, the rest by
 * weight, rounded towards FARGATE), as the engine counts them (spec.rs, `spot_tasks`).
 */
export function spotTasks(form: FargateForm, tasks: number): number {
  const base = form.fargateBase ?? 0;
  const spot = form.spotWeight ?? 0;
  const weights = (form.fargateWeight ?? 0) + spot;
  if (weights === 0) return 0;
  return Math.floor((Math.max(tasks - base, 0) * spot) / weights);
}

/** The largest number the Spec's counts hold (a u32). */
const U32_MAX = 4294967295;

/** A whole number, not negative, that fits a u32: what every count, port and duration of the route is. */
function isCount(n: number | null): n is number {
  return n !== null && Number.isInteger(n) && n >= 0 && n <= U32_MAX;
}

export function unreadable(form: FargateForm): ValidationError[] {
  const counts: [Rule, string, number | null, boolean][] = [
    ["port", "port", form.port, true],
    ["tasks", "tasks.min", form.min, true],
    ["tasks", "tasks.desired", form.desired, true],
    ["tasks", "tasks.max", form.max, true],
    ["capacityProviders", "capacityProviders.fargateBase", form.fargateBase, true],
    ["capacityProviders", "capacityProviders.fargateWeight", form.fargateWeight, true],
    ["capacityProviders", "capacityProviders.spotWeight", form.spotWeight, true],
    ["cooldown", "scaling.targetTracking.scaleOutCooldownSeconds", form.scaleOutCooldown, form.tracking],
    ["cooldown", "scaling.targetTracking.scaleInCooldownSeconds", form.scaleInCooldown, form.tracking],
    ["redisReplicas", "redis.replicas", form.redisReplicas, form.redis !== "none"],
    ["deregistrationDelay", "deregistrationDelaySeconds", form.deregistrationDelay, true],
    ...form.scheduled.flatMap((row, i): [Rule, string, number | null, boolean][] => [
      ["tasks", `scaling.scheduled[${i}].tasks.min`, row.min, true],
      ["tasks", `scaling.scheduled[${i}].tasks.max`, row.max, true],
    ]),
  ];
  const errors = counts
    .filter(([, , value, used]) => used && !isCount(value))
    .map(([rule, field]) => ({ rule, field: `route.fargate.${field}`, message: "enter a whole number" }));
  // The target is a number of its own (an f64): any finite one is the engine's to judge.
  if (form.tracking && (form.target === null || !Number.isFinite(form.target))) {
    errors.push({ rule: "scalingTarget", field: "route.fargate.scaling.targetTracking.target", message: "enter a number" });
  }
  return errors;
}

export function section(form: FargateForm): RouteSpec {
  const count = (n: number | null) => n ?? 0;
  return {
    fargate: {
      cpu: form.cpu,
      memory: form.memory,
      platform: form.platform,
      port: count(form.port),
      tasks: { min: count(form.min), desired: count(form.desired), max: count(form.max) },
      healthCheckPath: form.healthCheckPath.trim(),
      subnets: form.subnets,
      capacityProviders: {
        fargateBase: count(form.fargateBase),
        fargateWeight: count(form.fargateWeight),
        spotWeight: count(form.spotWeight),
        neverInterrupt: form.neverInterrupt,
      },
      scaling: {
        targetTracking: form.tracking
          ? {
              metric: form.metric,
              target: count(form.target),
              scaleOutCooldownSeconds: count(form.scaleOutCooldown),
              scaleInCooldownSeconds: count(form.scaleInCooldown),
            }
          : null,
        scheduled: scheduledActions(form.scheduled),
      },
      redis:
        form.redis === "none"
          ? "none"
          : { nodeType: form.redisNodeType.trim(), replicas: count(form.redisReplicas), engine: form.redis },
      repository: { immutableTags: form.immutableTags, scanOnPush: form.scanOnPush },
      logRetentionDays: form.logRetentionDays,
      deregistrationDelaySeconds: count(form.deregistrationDelay),
    },
  };
}

/** The fields FargateFields shows errors at. */
export const FIELDS =
  /^route\.fargate\.(cpu|memory|platform|port|healthCheckPath|tasks(\.\w+)?|subnets|capacityProviders(\.\w+)?|scaling\.targetTracking\.(target|scaleOutCooldownSeconds|scaleInCooldownSeconds)|scaling\.scheduled\[\d+\]\.(name|cron|tasks(\.min|\.max)?)|redis(\.nodeType|\.replicas)?|logRetentionDays|deregistrationDelaySeconds)$/;
