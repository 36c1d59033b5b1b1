// The asg route: EC2 instances in an Auto Scaling group behind a load balancer.
import type { RouteModule } from "../route";
import AsgFields from "./AsgFields.svelte";
import { type AsgForm, FIELDS, defaults, section, unreadable } from "./form";

export const asg: RouteModule<AsgForm> = {
  name: "asg",
  defaults,
  unreadable,
  section,
  dashboard: true,
  fields: FIELDS,
  Fields: AsgFields,
};
