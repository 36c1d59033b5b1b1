// The fargate route: the chat in ECS Fargate tasks behind a load balancer, with Redis between them.
import type { RouteModule } from "../route";
import FargateFields from "./FargateFields.svelte";
import { type FargateForm, FIELDS, defaults, section, unreadable } from "./form";

export const fargate: RouteModule<FargateForm> = {
  name: "fargate",
  defaults,
  unreadable,
  section,
  // The service's dashboard isn't built yet: after an apply, the service is watched in AWS's consoles.
  dashboard: false,
  fields: FIELDS,
  Fields: FargateFields,
};
