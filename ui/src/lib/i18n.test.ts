import { describe, expect, it } from "vitest";
import {
  ERROR_CODES,
  type Lang,
  type SpecRoute,
  STORAGE_KEY,
  detectLanguage,
  errorTitle,
  fieldLabel,
  kindName,
  loadPref,
  plural,
  resolveLanguage,
  ruleMessage,
  savePref,
  translate,
} from "./i18n";
import { en as appEn } from "./locales/en";
import { es as appEs } from "./locales/es";
import { MESSAGE_ROUTES, routeEn, routeEs, routeRules } from "./routes/messages";
import type { Rule } from "./api";
import { memoryStorage } from "./memoryStorage";

// The catalogs as the app uses them: its own words and every route's.
const en: Record<string, string> = { ...appEn, ...routeEn };
const es: Record<string, string> = { ...appEs, ...routeEs };
/**
 * Every rule with a text, with the route of the Spec it is told for: the Spec's own rules under
 * any Spec ("none" here), each route's under its own. The catalogs' types make every rule of the
 * Rust side have one.
 */
const RULES: [SpecRoute, Rule][] = [
  ...Object.keys(en)
    .filter((k) => k.startsWith("rule."))
    .map((k): [SpecRoute, Rule] => ["none", k.slice("rule.".length) as Rule]),
  ...MESSAGE_ROUTES.flatMap((route) =>
    Object.keys(routeRules(route, "en")).map((rule): [SpecRoute, Rule] => [route, rule as Rule]),
  ),
];
/** A rule's text as written, before its field is put in. */
function ruleText(lang: Lang, [route, rule]: [SpecRoute, Rule]): string {
  const catalog = lang === "en" ? en : es;
  return route === "none" ? catalog[`rule.${rule}`] : (routeRules(route, lang)[rule] ?? "");
}

/** Each field has a label of its own in both languages, with no placeholder or index left in it. */
function expectNamed(fields: string[]) {
  for (const field of fields) {
    const english = fieldLabel("en", field);
    const spanish = fieldLabel("es", field);
    expect(english, field).not.toBe(field);
    expect(spanish, field).not.toBe(field);
    expect(spanish, field).not.toBe(english);
    expect(english, field).not.toMatch(/[{}[\]]/);
    expect(spanish, field).not.toMatch(/[{}[\]]/);
  }
}

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("language", () => {
  it("follows the OS: any Spanish variant is Spanish, everything else English", () => {
    expect(detectLanguage("es")).toBe("es");
    expect(detectLanguage("es-ES")).toBe("es");
    expect(detectLanguage("ES-mx")).toBe("es");
    expect(detectLanguage("en-US")).toBe("en");
    expect(detectLanguage("fr-FR")).toBe("en");
    expect(detectLanguage("")).toBe("en");
    expect(detectLanguage(undefined)).toBe("en");
  });

  it("lets the saved choice override the OS", () => {
    expect(resolveLanguage("auto", "es-AR")).toBe("es");
    expect(resolveLanguage("en", "es-AR")).toBe("en");
    expect(resolveLanguage("es", "en-GB")).toBe("es");
  });

  it("saves the choice, and forgets it for auto", () => {
    const storage = memoryStorage();
    expect(loadPref(storage)).toBe("auto");
    savePref(storage, "es");
    expect(storage.data.get(STORAGE_KEY)).toBe("es");
    expect(loadPref(storage)).toBe("es");
    savePref(storage, "auto");
    expect(storage.data.has(STORAGE_KEY)).toBe(false);
    expect(loadPref(memoryStorage({ [STORAGE_KEY]: "klingon" }))).toBe("auto");
    expect(loadPref(undefined)).toBe("auto");
  });
});

describe("catalogs", () => {
  it("have the same keys, none empty, with the same placeholders", () => {
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en)) {
      const spanish = es[key as keyof typeof en];
      expect(text.trim(), key).not.toBe("");
      expect(spanish.trim(), key).not.toBe("");
      expect(placeholders(spanish), key).toEqual(placeholders(text));
    }
    for (const rule of RULES) {
      expect(placeholders(ruleText("es", rule)), rule.join(" ")).toEqual(placeholders(ruleText("en", rule)));
    }
  });

  it("are really translated", () => {
    // Names that are the same in both languages (brand, AWS terms, code words) are the exception.
    const same = [
      ...Object.keys(en).filter((k) => en[k] === es[k]),
      ...RULES.filter((rule) => ruleText("en", rule) === ruleText("es", rule)),
    ];
    expect(same.length).toBeLessThan(20);
    expect(translate("es", "footer.next")).toBe("Continuar");
    expect(translate("es", "network.nat.perZone")).toBe("Una pasarela NAT por zona");
  });

  it("interpolates parameters and picks plurals", () => {
    expect(translate("en", "confirm.prompt", { name: "shop" })).toBe("Type shop to confirm");
    expect(plural("en", "resourcesLeft", 0)).toBe("0 resources left");
    expect(plural("es", "resourcesLeft", 0)).toBe("Quedan 0 recursos");
    expect(plural("en", "resourcesLeft", 1)).toBe("1 resource left");
    expect(plural("es", "resourcesLeft", 1)).toBe("Queda 1 recurso");
    expect(plural("es", "zones", 3)).toBe("3 zonas");
  });
});

describe("validation messages", () => {
  it("say what to fix for every rule, in both languages, naming the field", () => {
    for (const [route, rule] of RULES) {
      const name = `${route} ${rule}`;
      const error = { rule, field: "network.publicSubnets[1]", message: "engine text" };
      const english = ruleMessage("en", route, error);
      const spanish = ruleMessage("es", route, error);
      expect(english, name).not.toBe("engine text");
      expect(spanish, name).not.toBe("engine text");
      expect(spanish, name).not.toBe(english);
      expect(english, name).not.toMatch(/\{\w+\}/);
      expect(spanish, name).not.toMatch(/\{\w+\}/);
      if (ruleText("en", [route, rule]).includes("{field}")) {
        expect(english, name).toContain("public subnet 2");
        expect(spanish, name).toContain("la subred pública 2");
      }
    }
  });

  it("explain the VPC block in the user's language, whatever the Spec's route", () => {
    const error = { rule: "vpcCidr" as const, field: "network.vpcCidr", message: "'x' is not an IPv4 CIDR block" };
    expect(ruleMessage("en", "none", error)).toMatch(/^Enter the VPC block as an IPv4 CIDR such as 10\.0\.0\.0\/16/);
    expect(ruleMessage("es", "fargate", error)).toMatch(/^Escribe el bloque de la VPC como un CIDR IPv4, por ejemplo 10\.0\.0\.0\/16/);
  });

  it("keep the engine's message for a rule this UI doesn't know", () => {
    const error = { rule: "routeMissing" as Rule, field: "route", message: "the route is missing" };
    expect(ruleMessage("es", "asg", error)).toBe("the route is missing");
  });

  it("tell a rule two routes share in the words of the Spec's route", () => {
    const target = { rule: "scalingTarget" as const, field: "route.fargate.scaling.targetTracking.target", message: "0: use …" };
    expect(ruleMessage("en", "fargate", target)).toBe(
      "Set the scaling target to a CPU percentage above 0 and up to 100 or, when scaling on requests, to at least 1 request per task.",
    );
    expect(ruleMessage("es", "fargate", target)).toMatch(/en al menos 1 petición por tarea\.$/);
    const asgTarget = { ...target, field: "route.asg.scaling.targetTracking.target" };
    expect(ruleMessage("en", "asg", asgTarget)).toMatch(/at least 1 request per instance\.$/);
    expect(ruleMessage("es", "asg", asgTarget)).toMatch(/en al menos 1 petición por instancia\.$/);
    const zones = { rule: "loadBalancerZones" as const, field: "route.fargate.subnets", message: "…" };
    expect(ruleMessage("en", "fargate", zones)).toContain("the load balancer in front of the service");
    expect(ruleMessage("en", "asg", zones)).not.toContain("service");
  });

  it("give each route its own words for the rule names routes share", () => {
    for (const a of MESSAGE_ROUTES) {
      for (const b of MESSAGE_ROUTES.filter((r) => r !== a)) {
        for (const lang of ["en", "es"] as const) {
          const theirs = routeRules(b, lang);
          for (const [rule, text] of Object.entries(routeRules(a, lang))) {
            if (rule in theirs) expect(text, `${a} and ${b} ${rule}`).not.toBe(theirs[rule as Rule]);
          }
        }
      }
    }
  });

  it("keep the engine's message for a route's rule when the Spec has another route", () => {
    const cooldown = { rule: "cooldown" as const, field: "route.fargate.scaling.targetTracking.scaleInCooldownSeconds", message: "4000 s: use 0 to 3600 seconds" };
    expect(ruleMessage("en", "fargate", cooldown)).toMatch(/^Set the scale-in cooldown between 0 and 3600 seconds/);
    expect(ruleMessage("en", "asg", cooldown)).toBe("4000 s: use 0 to 3600 seconds");
    expect(ruleMessage("es", "none", cooldown)).toBe("4000 s: use 0 to 3600 seconds");
  });

  it("name fields as the form does", () => {
    expect(fieldLabel("en", "network.privateSubnets[0]")).toBe("private subnet 1");
    expect(fieldLabel("es", "network.zones[2]")).toBe("la zona 3");
    expect(fieldLabel("es", "network.vpcCidr")).toBe("el bloque de la VPC");
    expect(fieldLabel("en", "network.somethingNew")).toBe("network.somethingNew");
    expect(fieldLabel("en", "route.asg.scaling.scheduled[1].cron")).toBe("the cron expression of scheduled action 2");
    expect(fieldLabel("es", "route.asg.scaling.scheduled[0].capacity")).toBe("la capacidad de la acción programada 1");
    expect(fieldLabel("es", "route.asg.keyPair.savePrivateKeyTo")).toBe("el archivo de la clave privada");
    expect(fieldLabel("en", "route.asg.scaling.scheduled[0].somethingNew")).toBe(
      "route.asg.scaling.scheduled[0].somethingNew",
    );
  });

  it("name every field the asg route reports, in both languages", () => {
    // The paths validate_asg.rs (and the AWS checks before planning) put in `field`.
    const fields = [
      "route.asg.ami",
      "route.asg.instanceType",
      "route.asg.capacity",
      "route.asg.subnets",
      "route.asg.healthCheckGraceSeconds",
      "route.asg.userData",
      "route.asg.keyPair",
      "route.asg.keyPair.name",
      "route.asg.keyPair.savePrivateKeyTo",
      "route.asg.keyPair.publicKeyFile",
      "route.asg.scaling.targetTracking.target",
      "route.asg.scaling.step",
      "route.asg.scaling.scheduled[3].name",
      "route.asg.scaling.scheduled[3].cron",
      "route.asg.scaling.scheduled[3].capacity",
      "route.asg.scaling.warmPool.minSize",
      "route.asg.rollout",
    ];
    expectNamed(fields);
  });

  it("name every field the fargate route reports, and the form's own, in both languages", () => {
    // The paths rules.rs puts in `field`, then those only the form's unreadable numbers name.
    const fields = [
      "route.fargate.cpu",
      "route.fargate.memory",
      "route.fargate.port",
      "route.fargate.tasks",
      "route.fargate.healthCheckPath",
      "route.fargate.subnets",
      "route.fargate.capacityProviders",
      "route.fargate.scaling.targetTracking.target",
      "route.fargate.scaling.targetTracking.scaleOutCooldownSeconds",
      "route.fargate.scaling.targetTracking.scaleInCooldownSeconds",
      "route.fargate.scaling.scheduled[3].name",
      "route.fargate.scaling.scheduled[3].cron",
      "route.fargate.scaling.scheduled[3].tasks",
      "route.fargate.redis",
      "route.fargate.redis.nodeType",
      "route.fargate.redis.replicas",
      "route.fargate.logRetentionDays",
      "route.fargate.deregistrationDelaySeconds",
      "route.fargate.tasks.min",
      "route.fargate.tasks.desired",
      "route.fargate.tasks.max",
      "route.fargate.capacityProviders.fargateBase",
      "route.fargate.capacityProviders.fargateWeight",
      "route.fargate.capacityProviders.spotWeight",
      "route.fargate.scaling.scheduled[3].tasks.min",
      "route.fargate.scaling.scheduled[3].tasks.max",
    ];
    expectNamed(fields);
    expect(fieldLabel("en", "route.fargate.scaling.scheduled[1].tasks.min")).toBe("the minimum tasks of scheduled action 2");
    expect(fieldLabel("es", "route.fargate.scaling.scheduled[0].tasks.max")).toBe("las tareas máximas de la acción programada 1");
  });

  it("name every field the kubernetes route reports, lists and maps inside items too, in both languages", () => {
    // The paths rules.rs and in_cluster_rules.rs put in `field`, then the form's own.
    const fields = [
      "route.kubernetes",
      "route.kubernetes.name",
      "route.kubernetes.version",
      "route.kubernetes.endpoint.publicCidrs",
      "route.kubernetes.endpoint.publicCidrs[3]",
      "route.kubernetes.nodeGroups",
      "route.kubernetes.nodeGroups[1].name",
      "route.kubernetes.nodeGroups[1].instanceTypes",
      "route.kubernetes.nodeGroups[1].instanceTypes[2]",
      "route.kubernetes.nodeGroups[1].diskGib",
      "route.kubernetes.nodeGroups[1].size",
      "route.kubernetes.nodeGroups[1].size.max",
      "route.kubernetes.nodeGroups[1].labels",
      "route.kubernetes.nodeGroups[1].labels.app.kubernetes.io/name",
      "route.kubernetes.nodeGroups[1].taints[0].key",
      "route.kubernetes.nodeGroups[1].subnets",
      "route.kubernetes.addons[2].name",
      "route.kubernetes.addons[2].version",
      "route.kubernetes.access[0].principal",
      "route.kubernetes.access[0].namespaces[1]",
      "route.kubernetes.clusterAutoscaler.image",
      "route.kubernetes.clusterAutoscaler.scaleDownUnneededMinutes",
      "route.kubernetes.clusterAutoscaler.scaleDownUtilizationPercent",
      "route.kubernetes.demo.image",
      "route.kubernetes.demo.replicas",
      "route.kubernetes.demo.targetCpu",
      "route.kubernetes.demo.cpuMillis",
      "route.kubernetes.storage.claimGib",
      "route.kubernetes.storage.iops",
      "route.kubernetes.storage.throughputMibps",
    ];
    expectNamed(fields);
    expect(fieldLabel("en", "route.kubernetes.nodeGroups[1].instanceTypes[2]")).toBe("the instance types of node group 2");
    expect(fieldLabel("es", "route.kubernetes.nodeGroups[0].labels.role")).toBe("las etiquetas del grupo de nodos 1");
  });

  it("explain the route's rules with the field they are about", () => {
    const capacity = {
      rule: "capacity" as const,
      field: "route.asg.scaling.scheduled[1].capacity",
      message: "desired 5 is outside min 1 … max 3: min ≤ desired ≤ max",
    };
    expect(ruleMessage("en", "asg", capacity)).toMatch(/^Set the capacity of scheduled action 2 so that min ≤ desired ≤ max/);
    expect(ruleMessage("es", "asg", capacity)).toMatch(/^Ajusta la capacidad de la acción programada 2 para que mínimo ≤ deseado ≤ máximo/);
    const bound = { rule: "tasks" as const, field: "route.fargate.scaling.scheduled[0].tasks.min", message: "enter a whole number" };
    expect(ruleMessage("en", "fargate", bound)).toMatch(/^Set the minimum tasks of scheduled action 1 so that min ≤ desired ≤ max/);
    expect(ruleMessage("es", "fargate", bound)).toMatch(/^Ajusta las tareas mínimas de la acción programada 1 para que mínimo ≤ deseado ≤ máximo/);
    const grace = { rule: "healthCheckGrace" as const, field: "route.asg.healthCheckGraceSeconds", message: "9000 s" };
    expect(ruleMessage("en", "asg", grace)).toBe("Set the health check grace period between 0 and 7200 seconds (2 hours).");
    expect(ruleMessage("es", "asg", grace)).toBe(
      "Pon el periodo de gracia de las comprobaciones de estado entre 0 y 7200 segundos (2 horas).",
    );
  });
});

describe("error titles and kinds", () => {
  it("give every error code a title in both languages", () => {
    const titles = new Set<string>();
    for (const code of ERROR_CODES) {
      const english = errorTitle("en", code);
      const spanish = errorTitle("es", code);
      expect(spanish, code).not.toBe(english);
      titles.add(english);
    }
    expect(titles.size).toBe(ERROR_CODES.length);
  });

  it("name resource kinds, keeping unknown ones raw", () => {
    expect(kindName("en", "NatGateway")).toBe("NAT gateways");
    expect(kindName("es", "RouteTable")).toBe("Tablas de enrutamiento");
    expect(kindName("es", "load-balancer")).toBe("load-balancer");
  });

  it("name every kind the kubernetes route plans (crates/escala-aws/src/routes/kubernetes), in both languages", () => {
    const kinds = [
      "EksCluster",
      "EksNodeGroup",
      "EksAddon",
      "EksAccessEntry",
      "EksPodIdentity",
      "KubernetesObject",
      "ClusterLoadBalancer",
      "ClusterTargetGroup",
      "ClusterVolume",
    ];
    for (const kind of kinds) {
      expect(kindName("en", kind)).not.toBe(kind);
      expect(kindName("es", kind)).not.toBe(kindName("en", kind));
    }
  });

  it("name every kind the asg route plans (crates/escala-aws/src/routes/asg), in both languages", () => {
    const kinds = [
      "SecurityGroup",
      "KeyPair",
      "LaunchTemplate",
      "LoadBalancer",
      "TargetGroup",
      "Listener",
      "AutoScalingGroup",
      "ScalingPolicy",
      "Alarm",
      "ScheduledAction",
      "WarmPool",
    ];
    for (const lang of ["en", "es"] as const) {
      for (const kind of kinds) expect(kindName(lang, kind)).not.toBe(kind);
    }
  });
});
