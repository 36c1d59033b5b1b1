// How the Stacks screen reads a stack summary and a destroy report.
import type { DestroyReport, Found } from "./api";
import type { Outcome, Run } from "./progress";

/** The id progress events use for a found resource (the engine's `Found::label`). */
export function foundLabel(f: Found): string {
  return f.logical_id ?? `${f.kind}/${f.physical_id}`;
}

export function destroyOutcome(report: DestroyReport): Outcome {
  return { done: report.deleted.map(foundLabel), failed: report.failed };
}

export type TeardownState = "running" | "done" | "failed" | "cancelled";

/** A teardown is done only when nothing is left and nothing failed. */
export function teardownState(run: Run, report: DestroyReport | null): TeardownState {
  if (run.state !== "done") return run.state;
  return report && report.left.length === 0 && report.failed.length === 0 ? "done" : "failed";
}
