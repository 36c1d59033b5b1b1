import { describe, expect, it } from "vitest";
import type { SpecCheck } from "./api";
import { formatUsd, natCount, natModeCost, natUnitCost } from "./cost";

function priced(nat: "none" | "single" | "perZone", zones: number, monthlyUsd: number): SpecCheck {
  const subnets = Array.from({ length: zones }, (_, i) => ({ zone: `z${i}`, cidr: `10.0.${i}.0/24`, public: true }));
  const gateways = natCount(nat, zones);
  // The route's lines sit beside the network's and must not change a NAT gateway's price.
  const lines = [
    {
      part: "natGateway" as const,
      item: "NAT gateway (hourly charge)",
      quantity: gateways,
      monthlyUsdEach: (monthlyUsd / (gateways || 1)) * 0.9,
    },
    {
      part: "natGateway" as const,
      item: "Elastic IP (public IPv4)",
      quantity: gateways,
      monthlyUsdEach: (monthlyUsd / (gateways || 1)) * 0.1,
    },
    // Its name starts like a NAT line's on purpose: only the part counts.
    { part: "loadBalancer" as const, item: "NAT gateway-sized load balancer", quantity: 1, monthlyUsdEach: 16.43 },
  ];
  return {
    errors: [],
    cost: { monthlyUsd: monthlyUsd + 16.43, lines, note: "" },
    network: { vpc_cidr: "10.0.0.0/16", zones: [], public: subnets, private: [], nat, dns_hostnames: true },
  };
}

describe("NAT costs", () => {
  it("counts gateways per mode", () => {
    expect(natCount("none", 3)).toBe(0);
    expect(natCount("single", 3)).toBe(1);
    expect(natCount("perZone", 3)).toBe(3);
    expect(natCount("single", 0)).toBe(0);
  });

  it("prices one gateway from any check that priced some, and every mode from it", () => {
    const unit = natUnitCost(priced("perZone", 3, 109.5));
    expect(unit).toBeCloseTo(36.5);
    expect(natUnitCost(priced("none", 3, 0))).toBeNull();
    expect(natModeCost(36.5, "none", 3)).toBe(0);
    expect(natModeCost(36.5, "single", 3)).toBe(36.5);
    expect(natModeCost(36.5, "perZone", 3)).toBe(109.5);
  });

  it("formats dollars for each language", () => {
    expect(formatUsd("en", 36.5)).toBe("$36.50");
    expect(formatUsd("es", 36.5)).toMatch(/^36,50\s?US\$$/);
  });
});
