import { describe, expect, it } from "vitest";
import { defaults, setMetric } from "./form";

describe("the asg form", () => {
  it("gives each metric its own default target, and keeps the user's target otherwise", () => {
    const form = defaults();
    form.target = 55;
    setMetric(form, "cpu");
    expect(form.target).toBe(55);
    setMetric(form, "requestsPerTarget");
    expect(form.target).toBe(1000);
    setMetric(form, "off");
    setMetric(form, "cpu");
    expect(form.target).toBe(70);
  });
});
