// The fargate route: the chat in ECS Fargate tasks behind a load balancer, with Redis between them.
import type { RouteModule } from "../route";
import FargateFields from "./FargateFields.svelte";
import { type FargateForm, FIELDS, defaults, section, unreadable } from "./form";

export const fargate: RouteModule<FargateForm> = {
  name: "fargate",
  defaults,
  unreadable,
  section,
  dashboard: true,
  fields: FIELDS,
  Fields: FargateFields,
};
