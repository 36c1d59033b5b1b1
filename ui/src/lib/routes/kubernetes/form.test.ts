import { describe, expect, it } from "vitest";
import { FIELDS, chosenAddons, defaults, nextGroupName, nodeGroupRow, section, unreadable } from "./form";

describe("the kubernetes form", () => {
  it("starts as examples/seed-eks.yaml: one private group of 2 to 4 t3.medium, every addon, the chat demo", () => {
    const spec = section(defaults());
    expect(spec).toEqual({
      kubernetes: {
        provider: "eks",
        name: null,
        version: "1.35",
        endpoint: { access: "both", publicCidrs: ["0.0.0.0/0"] },
        nodeGroups: [
          {
            name: "nodes",
            instanceTypes: ["t3.medium"],
            capacity: "onDemand",
            diskGib: 20,
            size: { min: 2, desired: 2, max: 4 },
            labels: { role: "web" },
            taints: [],
            subnets: "private",
          },
        ],
        addons: [
          "vpc-cni",
          "kube-proxy",
          "coredns",
          "eks-pod-identity-agent",
          "aws-ebs-csi-driver",
          "metrics-server",
          "amazon-cloudwatch-observability",
        ].map((name) => ({ name, version: null })),
        access: [],
        clusterAutoscaler: {
          enabled: true,
          image: "autoscaling/cluster-autoscaler:v1.35.0",
          expander: "leastWaste",
          scaleDownUnneededMinutes: 10,
          scaleDownUtilizationPercent: 50,
        },
        demo: { app: "chat", image: null, replicas: { min: 2, max: 20 }, targetCpu: 50, cpuMillis: 200 },
        storage: { claimGib: 10, iops: 3000, throughputMibps: 125 },
      },
    });
    expect(unreadable(defaults())).toEqual([]);
  });

  it("sends what the user typed as the Spec's lists, and a private API without public CIDRs", () => {
    const form = defaults();
    form.name = "  shop ";
    form.access = "private";
    form.nodeGroups[0].instanceTypes = "t3.medium, t3a.medium";
    form.nodeGroups[0].capacity = "spot";
    form.nodeGroups[0].taints = "dedicated=web:NoSchedule";
    form.addons["metrics-server"].on = false;
    form.addons["coredns"].version = " v1.11.4-eksbuild.2 ";
    form.grants.push({ principal: "arn:aws:iam::123456789012:user/ana", policy: "view", namespaces: "demo, shop" });
    form.claim = false;
    const k = section(form).kubernetes!;
    expect(k.name).toBe("shop");
    expect(k.endpoint).toEqual({ access: "private", publicCidrs: [] });
    expect(k.nodeGroups[0]).toMatchObject({
      instanceTypes: ["t3.medium", "t3a.medium"],
      capacity: "spot",
      taints: [{ key: "dedicated", value: "web", effect: "NoSchedule" }],
    });
    expect(k.addons?.map((a) => a.name)).not.toContain("metrics-server");
    expect(k.addons?.find((a) => a.name === "coredns")?.version).toBe("v1.11.4-eksbuild.2");
    expect(k.access).toEqual([{ principal: "arn:aws:iam::123456789012:user/ana", policy: "view", namespaces: ["demo", "shop"] }]);
    expect(k.storage?.claimGib).toBeNull();
  });

  it("names what can't be read before a Spec is built, and only where it is used", () => {
    const form = defaults();
    form.nodeGroups[0].max = null;
    form.nodeGroups[0].labels = "role";
    form.nodeGroups[0].taints = "dedicated=web";
    form.claimGib = 1.5;
    expect(unreadable(form).map((e) => [e.rule, e.field])).toEqual([
      ["nodeGroupSize", "route.kubernetes.nodeGroups[0].size.max"],
      ["storage", "route.kubernetes.storage.claimGib"],
      ["labels", "route.kubernetes.nodeGroups[0].labels"],
      ["taints", "route.kubernetes.nodeGroups[0].taints"],
    ]);
    form.nodeGroups[0] = nodeGroupRow("nodes");
    form.claim = false;
    form.demo = "none";
    form.targetCpu = null;
    form.autoscaler = false;
    form.scaleDownMinutes = null;
    expect(unreadable(form)).toEqual([]);
  });

  it("counts an addon's errors at its place among the chosen ones", () => {
    const form = defaults();
    form.addons["vpc-cni"].on = false;
    expect(chosenAddons(form).indexOf("coredns")).toBe(1);
  });

  it("names a new node group after the ones there are", () => {
    const rows = [nodeGroupRow("nodes"), nodeGroupRow("nodes-2")];
    expect(nextGroupName(rows)).toBe("nodes-3");
    expect(nextGroupName([nodeGroupRow("nodes-2")])).toBe("nodes-3");
  });

  it("shows at its inputs every field the engine reports, and leaves the network's zones apart", () => {
    for (const field of [
      "route.kubernetes.name",
      "route.kubernetes.version",
      "route.kubernetes.endpoint.publicCidrs",
      "route.kubernetes.endpoint.publicCidrs[2]",
      "route.kubernetes.nodeGroups",
      "route.kubernetes.nodeGroups[1].name",
      "route.kubernetes.nodeGroups[0].instanceTypes[3]",
      "route.kubernetes.nodeGroups[0].diskGib",
      "route.kubernetes.nodeGroups[0].size",
      "route.kubernetes.nodeGroups[0].labels.app.kubernetes.io/name",
      "route.kubernetes.nodeGroups[0].taints[1].value",
      "route.kubernetes.nodeGroups[0].subnets",
      "route.kubernetes.addons[2].version",
      "route.kubernetes.access[0].principal",
      "route.kubernetes.access[0].namespaces[1]",
      "route.kubernetes.clusterAutoscaler.image",
      "route.kubernetes.demo.replicas",
      "route.kubernetes.demo.replicas.min",
      "route.kubernetes.storage.iops",
    ]) {
      expect(FIELDS.test(field), field).toBe(true);
    }
    expect(FIELDS.test("route.kubernetes")).toBe(false);
  });
});
