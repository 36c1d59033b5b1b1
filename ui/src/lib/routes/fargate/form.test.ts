import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FIELDS, TASK_SIZES, defaults, section, setMetric, setSize, sizeKey, spotTasks, unreadable } from "./form";

/** The seed's case, as the repository ships it. */
const SEED = readFileSync(new URL("../../../../../examples/seed-fargate.yaml", import.meta.url), "utf8");

/** A YAML scalar or one-line flow mapping (`{min: 1, max: 6}`), as the examples write them. */
function scalar(text: string): unknown {
  const s = text.trim();
  if (s.startsWith("{")) {
    return Object.fromEntries(
      s
        .slice(1, -1)
        .split(",")
        .map((pair) => {
          const colon = pair.indexOf(":");
          return [pair.slice(0, colon).trim(), scalar(pair.slice(colon + 1))];
        }),
    );
  }
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  if (s === "true" || s === "false") return s === "true";
  if (s === "null") return null;
  return s;
}

/** Just enough YAML for the examples: block mappings by indentation, comments, and the above. */
function parse(lines: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < lines.length; ) {
    const indent = lines[i].search(/\S/);
    const [, key, rest] = /^\s*([\w-]+):\s*(.*)$/.exec(lines[i]) ?? [];
    let end = i + 1;
    while (end < lines.length && lines[end].search(/\S/) > indent) end++;
    out[key] = rest === "" ? parse(lines.slice(i + 1, end)) : scalar(rest);
    i = end;
  }
  return out;
}

function seedSection(): Record<string, unknown> {
  const lines = SEED.split("\n")
    .map((line) => line.replace(/(^|\s)#.*$/, "").trimEnd())
    .filter((line) => line.trim() !== "");
  const spec = parse(lines) as { route: { fargate: Record<string, unknown> } };
  return spec.route.fargate;
}

/** `from` cut down to the keys `like` has, at every level. */
function overlap(from: unknown, like: unknown): unknown {
  if (typeof like !== "object" || like === null || typeof from !== "object" || from === null) return from;
  const source = from as Record<string, unknown>;
  return Object.fromEntries(Object.entries(like).map(([k, v]) => [k, overlap(source[k], v)]));
}

describe("the fargate form", () => {
  it("starts from the seed's case: its defaults build everything the seed writes, as the seed writes it", () => {
    const seed = seedSection();
    expect(overlap(section(defaults()).fargate, seed)).toEqual(seed);
  });

  it("shows at its input every error the engine reports (crates/escala-core/src/routes/fargate/rules.rs)", () => {
    const fields = [
      "cpu",
      "memory",
      "port",
      "tasks",
      "healthCheckPath",
      "subnets",
      "capacityProviders",
      "scaling.targetTracking.target",
      "scaling.targetTracking.scaleOutCooldownSeconds",
      "scaling.targetTracking.scaleInCooldownSeconds",
      "scaling.scheduled[0].name",
      "scaling.scheduled[0].cron",
      "scaling.scheduled[0].tasks",
      "redis",
      "redis.nodeType",
      "redis.replicas",
      "logRetentionDays",
      "deregistrationDelaySeconds",
    ];
    for (const field of fields) expect(FIELDS.test(`route.fargate.${field}`), field).toBe(true);
  });

  it("reads its defaults without an error", () => {
    expect(unreadable(defaults())).toEqual([]);
  });

  it("gives every unreadable number an error at its field, and skips the fields not in use", () => {
    const form = defaults();
    form.port = null;
    form.min = 1.5;
    form.max = -1;
    form.spotWeight = null;
    form.scaleInCooldown = Number.NaN;
    form.target = null;
    form.redisReplicas = 0.5;
    form.deregistrationDelay = null;
    expect(unreadable(form).map((e) => [e.rule, e.field])).toEqual([
      ["port", "route.fargate.port"],
      ["tasks", "route.fargate.tasks.min"],
      ["tasks", "route.fargate.tasks.max"],
      ["capacityProviders", "route.fargate.capacityProviders.spotWeight"],
      ["cooldown", "route.fargate.scaling.targetTracking.scaleInCooldownSeconds"],
      ["redisReplicas", "route.fargate.redis.replicas"],
      ["deregistrationDelay", "route.fargate.deregistrationDelaySeconds"],
      ["scalingTarget", "route.fargate.scaling.targetTracking.target"],
    ]);
    form.tracking = false;
    form.redis = "none";
    expect(unreadable(form).map((e) => e.field)).toEqual([
      "route.fargate.port",
      "route.fargate.tasks.min",
      "route.fargate.tasks.max",
      "route.fargate.capacityProviders.spotWeight",
      "route.fargate.deregistrationDelaySeconds",
    ]);
  });

  it("leaves a fractional target to the engine, which takes any number there", () => {
    const form = defaults();
    form.target = 62.5;
    expect(unreadable(form)).toEqual([]);
    expect(section(form).fargate?.scaling?.targetTracking?.target).toBe(62.5);
  });

  it("turns target tracking and Redis off as the Spec says it", () => {
    const form = defaults();
    form.tracking = false;
    form.redis = "none";
    const built = section(form).fargate;
    expect(built?.scaling).toEqual({ targetTracking: null, scheduled: [] });
    expect(built?.redis).toBe("none");
  });

  it("runs Redis on the engine chosen, Valkey unless told otherwise", () => {
    const form = defaults();
    expect(section(form).fargate?.redis).toEqual({ nodeType: "cache.t4g.micro", replicas: 0, engine: "valkey" });
    form.redis = "redis";
    form.redisNodeType = " cache.r7g.large ";
    form.redisReplicas = 2;
    expect(section(form).fargate?.redis).toEqual({ nodeType: "cache.r7g.large", replicas: 2, engine: "redis" });
  });

  it("keeps the repository's settings and the deregistration delay the user chose", () => {
    const form = defaults();
    form.immutableTags = false;
    form.deregistrationDelay = 120;
    let built = section(form).fargate;
    expect(built?.repository).toEqual({ immutableTags: false, scanOnPush: true });
    expect(built?.deregistrationDelaySeconds).toBe(120);
    form.immutableTags = true;
    form.scanOnPush = false;
    form.deregistrationDelay = 0;
    built = section(form).fargate;
    expect(built?.repository).toEqual({ immutableTags: true, scanOnPush: false });
    expect(built?.deregistrationDelaySeconds).toBe(0);
    expect(unreadable(form)).toEqual([]);
  });

  it("offers Fargate's task sizes only, up to 16 vCPU", () => {
    const keys = TASK_SIZES.map(sizeKey);
    expect(keys.slice(0, 4)).toEqual(["256/512", "256/1024", "256/2048", "512/1024"]);
    expect(keys).not.toContain("256/1536");
    expect(keys).toContain("4096/30720");
    expect(keys).not.toContain("4096/31744");
    expect(keys.at(-1)).toBe("16384/122880");
    expect(new Set(keys).size).toBe(keys.length);
    const form = defaults();
    setSize(form, "2048/5120");
    expect([form.cpu, form.memory]).toEqual([2048, 5120]);
    setSize(form, "300/600");
    expect([form.cpu, form.memory]).toEqual([2048, 5120]);
  });

  it("gives each metric its own default target, and keeps the user's target otherwise", () => {
    const form = defaults();
    form.target = 55;
    setMetric(form, "cpu");
    expect(form.target).toBe(55);
    setMetric(form, "requestsPerTarget");
    expect(form.target).toBe(1000);
    setMetric(form, "cpu");
    expect(form.target).toBe(60);
  });

  it("lets Spot interrupt tasks, as the engine does, until told never to", () => {
    const form = defaults();
    expect(section(form).fargate?.capacityProviders?.neverInterrupt).toBe(false);
    form.neverInterrupt = true;
    expect(section(form).fargate?.capacityProviders).toEqual({
      fargateBase: 1,
      fargateWeight: 1,
      spotWeight: 1,
      neverInterrupt: true,
    });
  });

  it("counts the tasks on Spot as ECS places them", () => {
    const form = defaults();
    expect(spotTasks(form, 2)).toBe(0);
    expect(spotTasks(form, 6)).toBe(2);
    form.fargateBase = 0;
    form.fargateWeight = 0;
    expect(spotTasks(form, 3)).toBe(3);
    form.spotWeight = 0;
    expect(spotTasks(form, 3)).toBe(0);
  });
});
