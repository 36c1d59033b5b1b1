import { describe, expect, it } from "vitest";
import { AppError, type Change, type ProgressEvent } from "./api";
import { type Run, counts, formatElapsed, reduce, settle, startRun } from "./progress";

function change(id: string, kind: string, action: Change["action"] = "create"): Change {
  return { id, kind, action, physical_id: null, fields: [] };
}

const planned = [change("vpc", "Vpc"), change("igw", "InternetGateway"), change("dns", "VpcAttribute", "noOp")];

function play(run: Run, events: ProgressEvent[]): Run {
  return events.reduce(reduce, run);
}

describe("progress reducer", () => {
  it("starts an apply with every change that does something pending", () => {
    const run = startRun(1000, planned);
    expect(run.tasks.map((t) => [t.id, t.state])).toEqual([
      ["vpc", "pending"],
      ["igw", "pending"],
    ]);
    expect(run.total).toBe(2);
    expect(run.state).toBe("running");
  });

  it("follows a task through running, retrying and done", () => {
    let run = play(startRun(0, planned), [
      { event: "started", total: 2 },
      { event: "running", id: "vpc", kind: "Vpc", action: "create" },
    ]);
    expect(run.tasks[0].state).toBe("running");

    run = reduce(run, {
      event: "retrying",
      id: "vpc",
      attempt: 2,
      code: "Throttling",
      message: "Rate exceeded",
      delayMs: 400,
    });
    expect(run.tasks[0]).toMatchObject({ state: "retrying", attempt: 2, code: "Throttling", message: "Rate exceeded" });

    run = reduce(run, { event: "done", id: "vpc", kind: "Vpc", action: "create", physicalId: "vpc-0abc" });
    expect(run.tasks[0]).toMatchObject({ state: "done", physicalId: "vpc-0abc", code: null, message: null });
    expect(run.tasks[1].state).toBe("pending");
    expect(counts(run)).toEqual({ total: 2, finished: 1, failed: 0 });
  });

  it("adds tasks it hasn't seen, as a destroy learns them", () => {
    const run = play(startRun(0), [
      { event: "started", total: 3 },
      { event: "done", id: "nat-a", kind: "NatGateway", action: "delete", physicalId: "nat-1" },
      { event: "failed", id: "vpc", code: "DependencyViolation", message: "has dependencies" },
      { event: "skipped", id: "igw", reason: "a task it depends on failed" },
    ]);
    expect(run.total).toBe(3);
    expect(run.tasks.map((t) => [t.id, t.state, t.kind])).toEqual([
      ["nat-a", "done", "NatGateway"],
      ["vpc", "failed", null],
      ["igw", "skipped", null],
    ]);
    expect(run.tasks[1]).toMatchObject({ code: "DependencyViolation", message: "has dependencies" });
    expect(counts(run)).toEqual({ total: 3, finished: 3, failed: 1 });
  });

  it("shows a long task's own progress until it is done", () => {
    const rolling = play(startRun(0, planned), [
      { event: "running", id: "vpc", kind: "AutoScalingGroup", action: "update" },
      { event: "progress", id: "vpc", percent: 40, message: "2 of 5 instances replaced" },
    ]);
    expect(rolling.tasks[0]).toMatchObject({ state: "running", percent: 40, message: "2 of 5 instances replaced" });
    const done = reduce(rolling, { event: "done", id: "vpc", kind: "AutoScalingGroup", action: "update", physicalId: "web" });
    expect(done.tasks[0]).toMatchObject({ state: "done", message: null });
  });

  it("leaves the previous run untouched", () => {
    const before = startRun(0, planned);
    reduce(before, { event: "running", id: "vpc", kind: "Vpc", action: "create" });
    expect(before.tasks[0].state).toBe("pending");
  });

  it("settles a success from the report, covering events the throttle dropped", () => {
    const run = settle(
      reduce(startRun(0, planned), { event: "running", id: "vpc", kind: "Vpc", action: "create" }),
      5000,
      { done: ["vpc", "igw"], failed: [] },
    );
    expect(run.state).toBe("done");
    expect(run.endedAt).toBe(5000);
    expect(run.tasks.every((t) => t.state === "done")).toBe(true);
    expect(counts(run).finished).toBe(2);
  });

  it("settles a report with failures as failed", () => {
    const run = settle(startRun(0), 10, {
      done: ["nat-a"],
      failed: [{ id: "vpc", code: "DependencyViolation", message: "in use" }],
    });
    expect(run.state).toBe("failed");
    expect(run.tasks.find((t) => t.id === "vpc")).toMatchObject({ state: "failed", code: "DependencyViolation" });
  });

  it("settles a cancellation as cancelled and an error as failed, skipping unfinished tasks", () => {
    const started = play(startRun(0, planned), [
      { event: "done", id: "vpc", kind: "Vpc", action: "create", physicalId: "vpc-1" },
      { event: "running", id: "igw", kind: "InternetGateway", action: "create" },
    ]);
    const cancelled = settle(started, 7, new AppError({ code: "cancelled", message: "cancelled", errors: [] }));
    expect(cancelled.state).toBe("cancelled");
    expect(cancelled.tasks.map((t) => t.state)).toEqual(["done", "skipped"]);

    const failed = settle(started, 7, new AppError({ code: "aws", message: "boom", errors: [] }));
    expect(failed.state).toBe("failed");
  });
});

describe("elapsed time", () => {
  it("reads as m:ss, and h:mm:ss past an hour", () => {
    expect(formatElapsed(0)).toBe("0:00");
    expect(formatElapsed(65_400)).toBe("1:05");
    expect(formatElapsed(3_725_000)).toBe("1:02:05");
  });
});
