import { describe, expect, it } from "vitest";
import { en } from "../locales/en";
import { ROUTES, ROUTE_NAMES, defaultForms, hasDashboard, routeSection, unreadableErrors } from ".";
import { MESSAGE_ROUTES, routeEn, routeEs, routeRules } from "./messages";

describe("the route registry", () => {
  it("keys every route by its name, and its defaults build its own Spec section", () => {
    const forms = defaultForms();
    for (const name of ROUTE_NAMES) {
      expect(ROUTES[name].name).toBe(name);
      expect(unreadableErrors(name, forms)).toEqual([]);
      expect(Object.keys(routeSection(name, forms))).toEqual([name]);
    }
  });

  it("offers a dashboard after an apply only for a route that scales a group", () => {
    expect(hasDashboard("asg")).toBe(true);
    expect(hasDashboard("fargate")).toBe(true);
    expect(hasDashboard("kubernetes")).toBe(true);
    expect(hasDashboard("none")).toBe(false);
  });

  it("names each dashboard's group and its running count in the route's words", () => {
    const catalog: Record<string, string> = routeEn;
    for (const name of ROUTE_NAMES.filter(hasDashboard)) {
      expect(catalog[`dashboard.group.${name}`], name).toBeTruthy();
      expect(catalog[`dashboard.running.${name}`], name).toBeTruthy();
      expect(catalog[`dashboard.sandboxMetrics.${name}`], name).toBeTruthy();
      expect(catalog[`dashboard.loadSandbox.${name}`], name).toBeTruthy();
    }
    expect(catalog["dashboard.group.fargate"]).not.toBe(catalog["dashboard.group.asg"]);
  });

  it("gives every route its words in both languages, apart from the app's own", () => {
    const catalog: Record<string, string> = routeEn;
    for (const name of ROUTE_NAMES) {
      expect(catalog[`route.${name}`], name).toBeTruthy();
      expect(catalog[`scale.route.${name}`], name).toBeTruthy();
    }
    expect(Object.keys(routeEs).sort()).toEqual(Object.keys(routeEn).sort());
    const shared = Object.keys(routeEn).filter((k) => k in en);
    expect(shared, "a route's key hides the app's").toEqual([]);
  });

  it("tells each route's rules by its own table, not the catalog the routes share", () => {
    expect(MESSAGE_ROUTES).toEqual(ROUTE_NAMES);
    expect(Object.keys(routeEn).filter((k) => k.startsWith("rule."))).toEqual([]);
    for (const name of ROUTE_NAMES) {
      expect(Object.keys(routeRules(name, "es")).sort(), name).toEqual(Object.keys(routeRules(name, "en")).sort());
      expect(Object.keys(routeRules(name, "en")).length, name).toBeGreaterThan(0);
    }
  });
});
