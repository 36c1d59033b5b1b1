import { describe, expect, it } from "vitest";
import { FIELDS, defaults, section, unreadable } from "./form";
import { WEEKDAY_MORNINGS, addSchedule, removeSchedule } from "./schedule";

describe("the fargate form's scheduled actions", () => {
  it("has none to start with", () => {
    expect(section(defaults()).fargate?.scaling?.scheduled).toEqual([]);
  });

  it("adds a row with a name of its own, weekday mornings and the service's bounds", () => {
    const form = defaults();
    form.min = 2;
    form.max = 8;
    expect(addSchedule(form)).toBe(0);
    expect(form.scheduled[0]).toEqual({ name: "schedule-1", cron: WEEKDAY_MORNINGS, min: 2, max: 8 });
    // A name the user typed that a new row would take is left to them.
    form.scheduled[0].name = " schedule-2 ";
    expect(addSchedule(form)).toBe(1);
    expect(form.scheduled.map((row) => row.name)).toEqual([" schedule-2 ", "schedule-3"]);
  });

  it("removes the row asked for, keeping the others in order", () => {
    const form = defaults();
    for (let i = 0; i < 3; i++) addSchedule(form);
    removeSchedule(form, 1);
    expect(form.scheduled.map((row) => row.name)).toEqual(["schedule-1", "schedule-3"]);
  });

  it("builds the Spec's actions, trimmed, with desired at the minimum so it lies between the bounds", () => {
    const form = defaults();
    addSchedule(form);
    form.scheduled[0] = { name: " business-hours ", cron: " 0 8 * * 1-5 ", min: 4, max: 10 };
    expect(unreadable(form)).toEqual([]);
    expect(section(form).fargate?.scaling?.scheduled).toEqual([
      { name: "business-hours", cron: "0 8 * * 1-5", tasks: { min: 4, desired: 4, max: 10 } },
    ]);
  });

  it("gives an unreadable bound an error at its own input, and leaves the rest to the engine", () => {
    const form = defaults();
    addSchedule(form);
    addSchedule(form);
    form.scheduled[0].max = null;
    form.scheduled[1].min = 1.5;
    // Out of range, but readable: the engine says what is wrong with it.
    form.scheduled[1].max = 500;
    form.scheduled[1].cron = "";
    expect(unreadable(form).map((e) => [e.rule, e.field])).toEqual([
      ["tasks", "route.fargate.scaling.scheduled[0].tasks.max"],
      ["tasks", "route.fargate.scaling.scheduled[1].tasks.min"],
    ]);
  });

  it("shows each row's errors at the row, the engine's and the form's", () => {
    for (const leaf of ["name", "cron", "tasks", "tasks.min", "tasks.max"]) {
      expect(FIELDS.test(`route.fargate.scaling.scheduled[12].${leaf}`), leaf).toBe(true);
    }
    expect(FIELDS.test("route.fargate.scaling.scheduled[0].capacity")).toBe(false);
    expect(FIELDS.test("route.fargate.scaling.scheduled.name")).toBe(false);
  });
});
