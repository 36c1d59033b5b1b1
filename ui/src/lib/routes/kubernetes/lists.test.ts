import { describe, expect, it } from "vitest";
import { labels, labelsText, taints, words } from "./lists";

describe("the kubernetes form's text lists", () => {
  it("split on commas, spaces and new lines, dropping empty items", () => {
    expect(words(" t3.medium, t3a.medium\nm7i.large ,, ")).toEqual(["t3.medium", "t3a.medium", "m7i.large"]);
    expect(words("  ")).toEqual([]);
  });

  it("read labels as key=value, keeping an empty value and refusing what has no key", () => {
    expect(labels("role=web, app.kubernetes.io/tier=front, spare=")).toEqual({
      role: "web",
      "app.kubernetes.io/tier": "front",
      spare: "",
    });
    expect(labels("")).toEqual({});
    expect(labels("role")).toBeNull();
    expect(labels("=web")).toBeNull();
    expect(labels("role=web role=db")).toBeNull();
    expect(labelsText({ role: "web", tier: "front" })).toBe("role=web, tier=front");
  });

  it("read taints as kubectl writes them, and refuse an effect Kubernetes doesn't have", () => {
    expect(taints("dedicated=gpu:NoSchedule, spot:PreferNoSchedule")).toEqual([
      { key: "dedicated", value: "gpu", effect: "NoSchedule" },
      { key: "spot", effect: "PreferNoSchedule" },
    ]);
    expect(taints("")).toEqual([]);
    expect(taints("dedicated=gpu")).toBeNull();
    expect(taints("dedicated=gpu:NoWay")).toBeNull();
    expect(taints(":NoExecute")).toBeNull();
    expect(taints("=gpu:NoExecute")).toBeNull();
  });
});
