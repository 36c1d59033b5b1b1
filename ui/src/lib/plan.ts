// The plan's changes grouped by kind of resource, in the order the network is built.
import type { Action, Change } from "./api";
import { type Lang, kindName } from "./i18n";

const KIND_ORDER = [
  "Vpc",
  "VpcAttribute",
  "SecurityGroupRules",
  "InternetGateway",
  "GatewayAttachment",
  "Subnet",
  "SubnetAttribute",
  "RouteTable",
  "Route",
  "RouteTableAssociation",
  "ElasticIp",
  "NatGateway",
];

export interface ChangeGroup {
  kind: string;
  label: string;
  changes: Change[];
}

/** Known kinds in build order, then unknown ones by name (shown with their raw name). */
export function groupChanges(changes: Change[], lang: Lang): ChangeGroup[] {
  const byKind = new Map<string, Change[]>();
  for (const change of changes) byKind.set(change.kind, [...(byKind.get(change.kind) ?? []), change]);
  const rank = (kind: string) => {
    const i = KIND_ORDER.indexOf(kind);
    return i < 0 ? KIND_ORDER.length : i;
  };
  return [...byKind.keys()]
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((kind) => ({ kind, label: kindName(lang, kind), changes: byKind.get(kind) ?? [] }));
}

export const ACTION_ICONS: Record<Action, string> = {
  create: "+",
  update: "~",
  replace: "±",
  noOp: "=",
  delete: "−",
};
