import { describe, expect, it } from "vitest";
import type { DestroyReport, Found } from "./api";
import { settle, startRun } from "./progress";
import { destroyOutcome, foundLabel, teardownState } from "./stacks";

const found = (logical: string | null, kind = "Vpc"): Found => ({
  kind,
  logical_id: logical,
  physical_id: "vpc-1",
  parent: null,
  detail: {},
});

describe("teardown", () => {
  it("labels found resources as progress events do", () => {
    expect(foundLabel(found("vpc"))).toBe("vpc");
    expect(foundLabel(found(null, "RouteTableAssociation"))).toBe("RouteTableAssociation/vpc-1");
  });

  it("is done only when nothing is left and nothing failed", () => {
    const clean: DestroyReport = { stack: "shop", deleted: [found("vpc")], failed: [], left: [] };
    const leftover: DestroyReport = { ...clean, left: [found("igw", "InternetGateway")] };
    const run = (r: DestroyReport) => settle(startRun(0), 1, destroyOutcome(r));
    expect(teardownState(run(clean), clean)).toBe("done");
    expect(teardownState(run(leftover), leftover)).toBe("failed");
    expect(teardownState(startRun(0), null)).toBe("running");
  });
});
