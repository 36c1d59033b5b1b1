import { describe, expect, it } from "vitest";
import { duration, traceOf, useSetting } from "./compare";
import { initialWizard } from "./wizard";

describe("the Compare screen", () => {
  it("names the shape's peak setting in its trace", () => {
    expect(traceOf("flash-crowd", 400)).toBe("flash-crowd:peak=400");
    expect(traceOf("daily", 250.4)).toBe("daily:high=250");
    expect(traceOf("step", -3)).toBe("step:after=0");
  });

  it("reads durations as the table shows them", () => {
    expect(duration(null)).toBe("—");
    expect(duration(12)).toBe("12s");
    expect(duration(245)).toBe("4m05s");
  });

  it("carries the route and its target into the wizard's forms", () => {
    const w = initialWizard();
    const reached = useSetting(w, "fargate", 45);
    expect(w.route).toBe("fargate");
    expect(w.forms.fargate.target).toBe(45);
    expect(w.forms.fargate.metric).toBe("cpu");
    expect(reached).toBe(false);
    expect(w.step).toBe("connect");
    useSetting(w, "kubernetes", 65);
    expect(w.forms.kubernetes.targetCpu).toBe(65);
    useSetting(w, "asg", null);
    expect(w.route).toBe("asg");
    expect(w.forms.asg.target).toBe(70);
  });
});
