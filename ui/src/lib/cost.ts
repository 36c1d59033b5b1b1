// What each NAT choice costs per month. The engine prices the chosen mode only; a NAT gateway and its
// Elastic IP cost the same in every zone of a region, so one priced gateway prices every mode.
import type { NatMode, SpecCheck } from "./api";
import type { Lang } from "./i18n";

export const NAT_MODES: readonly NatMode[] = ["none", "single", "perZone"];

/** How many NAT gateways a mode makes for this many zones with public subnets. */
export function natCount(mode: NatMode, publicSubnets: number): number {
  if (mode === "none") return 0;
  return mode === "single" ? Math.min(1, publicSubnets) : publicSubnets;
}

/** The monthly cost of one NAT gateway (with its address), from a check that priced at least one. */
export function natUnitCost(check: SpecCheck): number | null {
  if (!check.network || !check.cost) return null;
  const count = natCount(check.network.nat, check.network.public.length);
  if (count === 0) return null;
  const nat = check.cost.lines
    .filter((l) => l.part === "natGateway")
    .reduce((sum, l) => sum + l.monthlyUsdEach * l.quantity, 0);
  return nat / count;
}

export function natModeCost(unit: number, mode: NatMode, publicSubnets: number): number {
  return Math.round(unit * natCount(mode, publicSubnets) * 100) / 100;
}

export function formatUsd(lang: Lang, amount: number): string {
  return new Intl.NumberFormat(lang === "es" ? "es-ES" : "en-US", {
    style: "currency",
    currency: "USD",
  }).format(amount);
}
