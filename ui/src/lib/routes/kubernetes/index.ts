// The kubernetes route: a cluster whose node groups cluster-autoscaler scales, with the HPA demo
// and its storage inside; on EKS (kops joins as a provider of its own).
import type { RouteModule } from "../route";
import KubernetesFields from "./KubernetesFields.svelte";
import { FIELDS, type KubernetesForm, defaults, section, unreadable } from "./form";

export const kubernetes: RouteModule<KubernetesForm> = {
  name: "kubernetes",
  defaults,
  unreadable,
  section,
  dashboard: true,
  fields: FIELDS,
  Fields: KubernetesFields,
};
