// The kubernetes route's form as plain data and functions: the Scaling step holds it in the
// wizard's $state, the tests hold a plain object. Lists typed as text are read by ./lists.
import type { RouteSpec, Rule, ValidationError } from "../../api";
import type {
  AccessGrant,
  AccessPolicy,
  DemoApp,
  EndpointAccess,
  Expander,
  NodeCapacity,
  NodeGroup,
  NodeSubnets,
} from "../../bindings";
import { labels, taints, words } from "./lists";

/** Who runs the control plane. kops joins EKS here as its own provider. */
export type Provider = "eks";
export const PROVIDERS: Provider[] = ["eks"];

/** The addons Escala installs (crates/escala-core/src/routes/kubernetes/eks.rs: `ADDONS`, then
 * `OBSERVABILITY_ADDON`, Container Insights, whose metrics the dashboard charts). */
export const ADDONS = [
  "vpc-cni",
  "kube-proxy",
  "coredns",
  "eks-pod-identity-agent",
  "aws-ebs-csi-driver",
  "metrics-server",
  "amazon-cloudwatch-observability",
] as const;
export type AddonName = (typeof ADDONS)[number];

/** The versions offered in the list; any other EKS offers can be typed in, and the engine judges it. */
export const VERSIONS = ["1.35", "1.34", "1.33"];

export interface NodeGroupRow {
  name: string;
  /** Instance types, separated by commas or spaces. */
  instanceTypes: string;
  capacity: NodeCapacity;
  diskGib: number | null;
  min: number | null;
  desired: number | null;
  max: number | null;
  /** `key=value` pairs. */
  labels: string;
  /** `key=value:Effect` items, as kubectl writes them. */
  taints: string;
  subnets: NodeSubnets;
}

export interface GrantRow {
  principal: string;
  policy: AccessPolicy;
  /** Namespaces, separated by commas; the whole cluster when empty. */
  namespaces: string;
}

export interface AddonRow {
  on: boolean;
  /** A pinned version; EKS's default for the cluster's version when empty. */
  version: string;
}

/**
 * The form. Numbers are what number inputs bind (null while empty or unreadable), so the form can
 * say which one to fix before the Spec is built.
 */
export interface KubernetesForm {
  provider: Provider;
  /** The cluster's name; the stack's when empty. */
  name: string;
  version: string;
  access: EndpointAccess;
  /** The CIDRs the public endpoint answers, separated by commas. */
  publicCidrs: string;
  nodeGroups: NodeGroupRow[];
  addons: Record<AddonName, AddonRow>;
  grants: GrantRow[];
  autoscaler: boolean;
  autoscalerImage: string;
  expander: Expander;
  scaleDownMinutes: number | null;
  scaleDownPercent: number | null;
  demo: DemoApp;
  /** The demo's image; for the chat, Escala's own when empty. */
  demoImage: string;
  replicasMin: number | null;
  replicasMax: number | null;
  targetCpu: number | null;
  cpuMillis: number | null;
  /** Off leaves the demo claim out; the StorageClass stays. */
  claim: boolean;
  claimGib: number | null;
  iops: number | null;
  throughput: number | null;
}

/** A node group as a new row starts: the seed's instance group. */
export function nodeGroupRow(name: string): NodeGroupRow {
  return {
    name,
    instanceTypes: "t3.medium",
    capacity: "onDemand",
    diskGib: 20,
    min: 2,
    desired: 2,
    max: 4,
    labels: "",
    taints: "",
    subnets: "private",
  };
}

/** The next free name for a node group: nodes-2, nodes-3… */
export function nextGroupName(rows: NodeGroupRow[]): string {
  for (let n = rows.length + 1; ; n++) {
    const name = `nodes-${n}`;
    if (!rows.some((r) => r.name === name)) return name;
  }
}

/** The engine's defaults with the seed's case (examples/seed-eks.yaml). */
export function defaults(): KubernetesForm {
  return {
    provider: "eks",
    name: "",
    version: "1.35",
    access: "both",
    publicCidrs: "0.0.0.0/0",
    nodeGroups: [{ ...nodeGroupRow("nodes"), labels: "role=web" }],
    addons: Object.fromEntries(ADDONS.map((a) => [a, { on: true, version: "" }])) as Record<AddonName, AddonRow>,
    grants: [],
    autoscaler: true,
    autoscalerImage: "autoscaling/cluster-autoscaler:v1.35.0",
    expander: "leastWaste",
    scaleDownMinutes: 10,
    scaleDownPercent: 50,
    demo: "chat",
    demoImage: "",
    replicasMin: 2,
    replicasMax: 20,
    targetCpu: 50,
    cpuMillis: 200,
    claim: true,
    claimGib: 10,
    iops: 3000,
    throughput: 125,
  };
}

/** The addons the Spec lists, in the form's order: an error at `addons[i]` is about the i-th. */
export function chosenAddons(form: KubernetesForm): AddonName[] {
  return ADDONS.filter((a) => form.addons[a].on);
}

const U32_MAX = 4294967295;

function isCount(n: number | null): n is number {
  return n !== null && Number.isInteger(n) && n >= 0 && n <= U32_MAX;
}

const FIELD = "route.kubernetes";

export function unreadable(form: KubernetesForm): ValidationError[] {
  const counts: [Rule, string, number | null, boolean][] = [
    ...form.nodeGroups.flatMap((g, i): [Rule, string, number | null, boolean][] => [
      ["disk", `nodeGroups[${i}].diskGib`, g.diskGib, true],
      ["nodeGroupSize", `nodeGroups[${i}].size.min`, g.min, true],
      ["nodeGroupSize", `nodeGroups[${i}].size.desired`, g.desired, true],
      ["nodeGroupSize", `nodeGroups[${i}].size.max`, g.max, true],
    ]),
    ["clusterAutoscaler", "clusterAutoscaler.scaleDownUnneededMinutes", form.scaleDownMinutes, form.autoscaler],
    ["clusterAutoscaler", "clusterAutoscaler.scaleDownUtilizationPercent", form.scaleDownPercent, form.autoscaler],
    ["demo", "demo.replicas.min", form.replicasMin, form.demo !== "none"],
    ["demo", "demo.replicas.max", form.replicasMax, form.demo !== "none"],
    ["demo", "demo.targetCpu", form.targetCpu, form.demo !== "none"],
    ["demo", "demo.cpuMillis", form.cpuMillis, form.demo !== "none"],
    ["storage", "storage.claimGib", form.claimGib, form.claim],
    ["storage", "storage.iops", form.iops, true],
    ["storage", "storage.throughputMibps", form.throughput, true],
  ];
  const errors = counts
    .filter(([, , value, used]) => used && !isCount(value))
    .map(([rule, field]) => ({ rule, field: `${FIELD}.${field}`, message: "enter a whole number" }));
  form.nodeGroups.forEach((g, i) => {
    if (labels(g.labels) === null) {
      errors.push({ rule: "labels", field: `${FIELD}.nodeGroups[${i}].labels`, message: "write each label as key=value" });
    }
    if (taints(g.taints) === null) {
      errors.push({ rule: "taints", field: `${FIELD}.nodeGroups[${i}].taints`, message: "write each taint as key=value:Effect" });
    }
  });
  return errors;
}

function nodeGroup(row: NodeGroupRow): NodeGroup {
  const count = (n: number | null) => n ?? 0;
  return {
    name: row.name.trim(),
    instanceTypes: words(row.instanceTypes),
    capacity: row.capacity,
    diskGib: count(row.diskGib),
    size: { min: count(row.min), desired: count(row.desired), max: count(row.max) },
    labels: labels(row.labels) ?? {},
    taints: taints(row.taints) ?? [],
    subnets: row.subnets,
  };
}

function grant(row: GrantRow): AccessGrant {
  return { principal: row.principal.trim(), policy: row.policy, namespaces: words(row.namespaces) };
}

export function section(form: KubernetesForm): RouteSpec {
  const count = (n: number | null) => n ?? 0;
  const text = (s: string) => (s.trim() === "" ? null : s.trim());
  return {
    kubernetes: {
      provider: form.provider,
      name: text(form.name),
      version: form.version.trim(),
      endpoint: { access: form.access, publicCidrs: form.access === "private" ? [] : words(form.publicCidrs) },
      nodeGroups: form.nodeGroups.map(nodeGroup),
      addons: chosenAddons(form).map((name) => ({ name, version: text(form.addons[name].version) })),
      access: form.grants.map(grant),
      clusterAutoscaler: {
        enabled: form.autoscaler,
        image: text(form.autoscalerImage),
        expander: form.expander,
        scaleDownUnneededMinutes: count(form.scaleDownMinutes),
        scaleDownUtilizationPercent: count(form.scaleDownPercent),
      },
      demo: {
        app: form.demo,
        image: text(form.demoImage),
        replicas: { min: count(form.replicasMin), max: count(form.replicasMax) },
        targetCpu: count(form.targetCpu),
        cpuMillis: count(form.cpuMillis),
      },
      storage: {
        claimGib: form.claim ? count(form.claimGib) : null,
        iops: count(form.iops),
        throughputMibps: count(form.throughput),
      },
    },
  };
}

/** The fields the kubernetes form shows errors at; others (the network's zones) are listed apart. */
export const FIELDS =
  /^route\.kubernetes\.(name|version|endpoint\.publicCidrs(\[\d+\])?|nodeGroups|nodeGroups\[\d+\]\.(name|instanceTypes(\[\d+\])?|diskGib|size(\.\w+)?|labels(\..+)?|taints(\[\d+\](\.\w+)?)?|subnets)|addons\[\d+\]\.(name|version)|access\[\d+\]\.(principal|namespaces(\[\d+\])?)|clusterAutoscaler\.\w+|demo\.\w+(\.\w+)?|storage\.\w+)$/;
