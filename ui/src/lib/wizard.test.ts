import { describe, expect, it } from "vitest";
import type { Connection, PlanView, Spec, SpecCheck, ValidationError } from "./api";
import {
  type Wizard,
  applyCheck,
  applyDraft,
  applyRouteCheck,
  back,
  buildSpec,
  canContinue,
  currentRouteCheck,
  defaultZoneCount,
  editSubnet,
  finishApply,
  goTo,
  hasBlanks,
  initialWizard,
  isReachable,
  layoutSpec,
  needsHaWarning,
  networkSpec,
  next,
  refuseRoute,
  resetTier,
  setConnection,
  setPlan,
  setRegion,
  setZones,
  startApply,
  unreadableErrors,
  zoneChoices,
} from "./wizard";
import { setMetric } from "./routes/asg/form";

const sandbox: Connection = {
  mode: "sandbox",
  account: "123456789012",
  arn: "arn:aws:iam::123456789012:root",
  source: "sandbox",
  endpoint: "http://127.0.0.1:5000",
  speed: 1,
};

function check(spec: Spec, errors: ValidationError[] = []): SpecCheck {
  const zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"].slice(0, Number(spec.network.zones));
  const block = (i: number) => `10.0.${i}.0/24`;
  return {
    errors,
    cost: errors.length ? null : { monthlyUsd: 38.69, lines: [], note: "" },
    network: errors.length
      ? null
      : {
          vpc_cidr: spec.network.vpcCidr,
          zones,
          public: zones.map((zone, i) => ({ zone, cidr: spec.network.publicSubnets?.[i] ?? block(i + 1), public: true })),
          private: zones.map((zone, i) => ({
            zone,
            cidr: spec.network.privateSubnets?.[i] ?? block(i + 1 + zones.length),
            public: false,
          })),
          nat: spec.network.nat ?? "single",
          dns_hostnames: true,
        },
  };
}

const plan: PlanView = {
  plan: { stack: "escala-demo", changes: [], summary: { create: 0, update: 0, replace: 0, delete: 0, unchanged: 0 }, notes: [] },
  cost: { monthlyUsd: 0, lines: [], note: "" },
};

/** A wizard with the draft applied and clean checks of the network and of the whole Spec. */
function checkedWizard(zones = 2): Wizard {
  const w = initialWizard();
  setConnection(w, sandbox);
  setRegion(w, "eu-west-1", 3);
  setZones(w, zones);
  applyDraft(w, {
    apiVersion: "escala/v1",
    kind: "Stack",
    name: "escala-demo",
    region: "eu-west-1",
    network: { vpcCidr: "10.0.0.0/16", zones, nat: "single" },
  });
  const spec = networkSpec(w) as Spec;
  applyCheck(w, spec, check(spec));
  const full = buildSpec(w) as Spec;
  applyRouteCheck(w, full, check(full));
  return w;
}

describe("step gating", () => {
  it("starts on Connect with nothing else reachable", () => {
    const w = initialWizard();
    expect(w.step).toBe("connect");
    expect(canContinue(w, "connect")).toBe(false);
    expect(isReachable(w, "region")).toBe(false);
    expect(next(w)).toBe(false);
    expect(w.step).toBe("connect");
  });

  it("opens Region once connected, Network once a region and zone count are chosen", () => {
    const w = initialWizard();
    setConnection(w, sandbox);
    expect(next(w)).toBe(true);
    expect(w.step).toBe("region");
    expect(isReachable(w, "network")).toBe(false);
    setRegion(w, "eu-west-1", 3);
    expect(canContinue(w, "region")).toBe(true);
    expect(next(w)).toBe(true);
    expect(w.step).toBe("network");
  });

  it("needs a stack name and a current check with no errors to leave Network", () => {
    const w = checkedWizard();
    expect(canContinue(w, "network")).toBe(true);

    w.vpcCidr = "10.0.0.0/33";
    expect(canContinue(w, "network")).toBe(false); // the check was for the old form

    const spec = networkSpec(w) as Spec;
    applyCheck(w, spec, check(spec, [{ rule: "vpcCidr", field: "network.vpcCidr", message: "bad" }]));
    expect(canContinue(w, "network")).toBe(false);
    expect(isReachable(w, "review")).toBe(false);

    w.vpcCidr = "10.0.0.0/16";
    expect(canContinue(w, "network")).toBe(false); // the last check was of the invalid form
    const fixed = networkSpec(w) as Spec;
    applyCheck(w, fixed, check(fixed));
    expect(canContinue(w, "network")).toBe(true);

    w.name = "  ";
    expect(canContinue(w, "network")).toBe(false);
  });

  it("needs a plan of the current Spec to apply", () => {
    const w = checkedWizard();
    goTo(w, "review");
    expect(canContinue(w, "review")).toBe(false);
    setPlan(w, buildSpec(w) as Spec, plan);
    expect(canContinue(w, "review")).toBe(true);
    w.nat = "perZone";
    expect(canContinue(w, "review")).toBe(false);
  });

  it("locks every other step while an apply runs, and re-plans after it", () => {
    const w = checkedWizard();
    expect(goTo(w, "apply")).toBe(false);
    goTo(w, "review");
    expect(startApply(w)).toBe(false); // no plan yet
    setPlan(w, buildSpec(w) as Spec, plan);
    expect(startApply(w)).toBe(true);
    expect(w.step).toBe("apply");
    expect(isReachable(w, "network")).toBe(false);
    expect(back(w)).toBe(false);

    finishApply(w);
    expect(w.plan).toBeNull();
    expect(isReachable(w, "apply")).toBe(true);
    expect(back(w)).toBe(true);
    expect(w.step).toBe("review");
    expect(canContinue(w, "review")).toBe(false);
  });

  it("goes back to Connect and forgets checks when disconnected", () => {
    const w = checkedWizard();
    goTo(w, "network");
    setConnection(w, null);
    expect(w.step).toBe("connect");
    expect(w.check).toBeNull();
    expect(isReachable(w, "region")).toBe(false);
  });
});

describe("zones", () => {
  it("defaults to three zones, fewer when the region has fewer", () => {
    expect(defaultZoneCount(6)).toBe(3);
    expect(defaultZoneCount(3)).toBe(3);
    expect(defaultZoneCount(2)).toBe(2);
    expect(defaultZoneCount(1)).toBe(1);
  });

  it("offers 1..N zones, at most the engine's six", () => {
    expect(zoneChoices(3)).toEqual([1, 2, 3]);
    expect(zoneChoices(8)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("keeps the zone count across regions that have enough zones, else takes the default", () => {
    const w = initialWizard();
    setRegion(w, "us-east-1", 6);
    setZones(w, 5);
    setRegion(w, "eu-west-1", 6);
    expect(w.zones).toBe(5);
    setRegion(w, "eu-north-1", 2);
    expect(w.zones).toBe(2);
  });

  it("warns about high availability below three zones", () => {
    expect(needsHaWarning(2, 2)).toBe(true);
    expect(needsHaWarning(3, 2)).toBe(true);
    expect(needsHaWarning(3, 3)).toBe(false);
    expect(needsHaWarning(6, 4)).toBe(false);
  });

  it("keeps one subnet per zone when the zone count changes", () => {
    const w = checkedWizard(3);
    editSubnet(w, "publicSubnets", 1, "10.0.50.0/24");
    setZones(w, 2);
    expect(w.publicSubnets.values).toEqual(["10.0.1.0/24", "10.0.50.0/24"]);
    expect(w.privateSubnets.values).toHaveLength(2);
    setZones(w, 4);
    expect(w.publicSubnets.values).toEqual(["10.0.1.0/24", "10.0.50.0/24", "", ""]);
    expect(w.privateSubnets.values).toHaveLength(4);
    expect(w.publicSubnets.edited).toBe(true);
    expect(w.privateSubnets.edited).toBe(false);
  });
});

describe("building the Spec", () => {
  it("has nothing to build before a region and zone count are chosen", () => {
    expect(buildSpec(initialWizard())).toBeNull();
  });

  it("leaves computed subnets out and sends the form's values", () => {
    const w = checkedWizard();
    w.name = " shop ";
    w.nat = "perZone";
    expect(networkSpec(w)).toEqual({
      apiVersion: "escala/v1",
      kind: "Stack",
      name: "shop",
      region: "eu-west-1",
      network: {
        vpcCidr: "10.0.0.0/16",
        zones: 2,
        publicSubnets: null,
        privateSubnets: null,
        nat: "perZone",
        dnsHostnames: true,
      },
    });
  });

  it("sends a whole tier once one of its blocks is edited, and leaves it out again after a reset", () => {
    const w = checkedWizard();
    editSubnet(w, "privateSubnets", 0, " 10.0.30.0/24 ");
    const spec = buildSpec(w) as Spec;
    expect(spec.network.privateSubnets).toEqual(["10.0.30.0/24", "10.0.4.0/24"]);
    expect(spec.network.publicSubnets).toBeNull();
    resetTier(w, "privateSubnets");
    expect((buildSpec(w) as Spec).network.privateSubnets).toBeNull();
  });

  it("shows the engine's layout in computed tiers and keeps edited blocks", () => {
    const w = checkedWizard();
    expect(w.publicSubnets.values).toEqual(["10.0.1.0/24", "10.0.2.0/24"]);
    expect(w.privateSubnets.values).toEqual(["10.0.3.0/24", "10.0.4.0/24"]);
    editSubnet(w, "publicSubnets", 0, "10.0.100.0/24");
    const spec = buildSpec(w) as Spec;
    applyCheck(w, spec, check({ ...spec, network: { ...spec.network, publicSubnets: null } }));
    expect(w.publicSubnets.values).toEqual(["10.0.100.0/24", "10.0.2.0/24"]);
  });

  it("fills the blanks of an edited tier from the layout check", () => {
    const w = checkedWizard(2);
    editSubnet(w, "publicSubnets", 0, "10.0.100.0/24");
    setZones(w, 3);
    expect(hasBlanks(w)).toBe(true);
    const layout = layoutSpec(w) as Spec;
    expect(layout.network.publicSubnets).toBeNull();
    applyCheck(w, layout, check(layout));
    expect(w.publicSubnets.values).toEqual(["10.0.100.0/24", "10.0.2.0/24", "10.0.3.0/24"]);
    expect(hasBlanks(w)).toBe(false);
  });

  it("takes its starting values from the draft", () => {
    const w = initialWizard();
    setRegion(w, "eu-west-1", 3);
    setZones(w, 2);
    applyDraft(w, {
      apiVersion: "escala/v1",
      kind: "Stack",
      name: "escala-demo",
      region: "eu-west-1",
      network: {
        vpcCidr: "10.1.0.0/16",
        zones: 2,
        publicSubnets: ["10.1.1.0/24", "10.1.2.0/24"],
        privateSubnets: ["10.1.3.0/24", "10.1.4.0/24"],
        nat: "none",
      },
    });
    expect(w.drafted).toBe(true);
    expect(w.vpcCidr).toBe("10.1.0.0/16");
    expect(w.nat).toBe("none");
    expect(w.publicSubnets).toEqual({ values: ["10.1.1.0/24", "10.1.2.0/24"], edited: false });
    // The draft's subnets are the computed layout: the Spec still leaves them out.
    expect((buildSpec(w) as Spec).network.publicSubnets).toBeNull();
  });
});

describe("the scaling step", () => {
  it("comes between Network and Review", () => {
    const w = checkedWizard();
    goTo(w, "network");
    expect(next(w)).toBe(true);
    expect(w.step).toBe("scale");
    expect(next(w)).toBe(true);
    expect(w.step).toBe("review");
  });

  it("sends the ASG form as the Spec's route, trimmed, with target tracking off when asked", () => {
    const w = checkedWizard();
    w.forms.asg.instanceType = " t3.small ";
    w.forms.asg.subnets = "private";
    w.forms.asg.min = 2;
    w.forms.asg.desired = 3;
    w.forms.asg.max = 6;
    setMetric(w.forms.asg, "off");
    expect((buildSpec(w) as Spec).route).toEqual({
      asg: {
        ami: "latest",
        instanceType: "t3.small",
        subnets: "private",
        capacity: { min: 2, desired: 3, max: 6 },
        healthCheckGraceSeconds: 300,
        scaling: { targetTracking: null },
        rollout: { minHealthyPercentage: 90, warmupSeconds: 300 },
      },
    });
  });

  it("builds no Spec while a number can't be read, and names each such field", () => {
    const w = checkedWizard();
    w.forms.asg.max = null;
    w.forms.asg.graceSeconds = 2.5;
    expect(buildSpec(w)).toBeNull();
    expect(unreadableErrors(w).map((e) => [e.rule, e.field])).toEqual([
      ["capacity", "route.asg.capacity.max"],
      ["healthCheckGrace", "route.asg.healthCheckGraceSeconds"],
    ]);
    expect(canContinue(w, "scale")).toBe(false);
    // An empty target doesn't matter while target tracking is off.
    w.forms.asg.max = 4;
    w.forms.asg.graceSeconds = 300;
    w.forms.asg.target = null;
    setMetric(w.forms.asg, "off");
    expect(unreadableErrors(w)).toEqual([]);
  });

  it("needs a clean check of the whole Spec to continue, and none for a network only", () => {
    const w = checkedWizard();
    expect(canContinue(w, "scale")).toBe(true);
    w.forms.asg.max = 8;
    expect(canContinue(w, "scale")).toBe(false); // the check was of the old form
    const bad = buildSpec(w) as Spec;
    applyRouteCheck(w, bad, check(bad, [{ rule: "capacity", field: "route.asg.capacity", message: "bad" }]));
    expect(canContinue(w, "scale")).toBe(false);
    expect(isReachable(w, "review")).toBe(false);
    w.route = "none";
    expect(canContinue(w, "scale")).toBe(true);
    expect((buildSpec(w) as Spec).route).toBeUndefined();
  });

  it("keeps the region's refusal of a route at its Spec until the form changes", () => {
    const w = checkedWizard();
    const spec = buildSpec(w) as Spec;
    const refusal = { rule: "instanceType" as const, field: "route.asg.instanceType", message: "not offered" };
    expect(refuseRoute(w, spec, [{ rule: "vpcCidr", field: "network.vpcCidr", message: "x" }])).toBe(false);
    expect(canContinue(w, "scale")).toBe(true);
    expect(refuseRoute(w, spec, [refusal])).toBe(true);
    expect(currentRouteCheck(w)?.errors).toEqual([refusal]);
    expect(canContinue(w, "scale")).toBe(false);
    w.forms.asg.instanceType = "t3.small";
    expect(currentRouteCheck(w)).toBeNull();
  });

  it("forgets the route's check with the connection", () => {
    const w = checkedWizard();
    setConnection(w, null);
    expect(w.routeCheck).toBeNull();
  });
});
