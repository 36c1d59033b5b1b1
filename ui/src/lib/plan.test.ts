import { describe, expect, it } from "vitest";
import type { Change } from "./api";
import { groupChanges } from "./plan";

const change = (id: string, kind: string): Change => ({ id, kind, action: "create", physical_id: null, fields: [] });

describe("grouping the plan", () => {
  it("groups by kind in build order, unknown kinds last under their raw name", () => {
    const groups = groupChanges(
      [change("nat-a", "NatGateway"), change("public-a", "Subnet"), change("x", "load-balancer"), change("vpc", "Vpc"), change("public-b", "Subnet")],
      "es",
    );
    expect(groups.map((g) => [g.kind, g.label, g.changes.map((c) => c.id)])).toEqual([
      ["Vpc", "VPC", ["vpc"]],
      ["Subnet", "Subredes", ["public-a", "public-b"]],
      ["NatGateway", "Pasarelas NAT", ["nat-a"]],
      ["load-balancer", "load-balancer", ["x"]],
    ]);
  });
});
