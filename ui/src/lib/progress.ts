// A long operation (apply or destroy) as the user sees it, rebuilt from its progress events. Pure:
// each event gives a new Run. The desktop throttles events (first and last always arrive), so any
// event may be the first one seen for a task.
import type { Action, AppError, Change, ProgressEvent } from "./api";

export type TaskState = "pending" | "running" | "retrying" | "done" | "failed" | "skipped";
export type RunState = "running" | "done" | "failed" | "cancelled";

export interface TaskRow {
  id: string;
  kind: string | null;
  action: Action | null;
  state: TaskState;
  attempt: number;
  code: string | null;
  message: string | null;
  physicalId: string | null;
  /** A long task's own progress (an instance refresh), when it reports one. */
  percent: number | null;
}

export interface Run {
  total: number | null;
  tasks: TaskRow[];
  state: RunState;
  startedAt: number;
  endedAt: number | null;
}

function row(id: string, kind: string | null = null, action: Action | null = null): TaskRow {
  return { id, kind, action, state: "pending", attempt: 0, code: null, message: null, physicalId: null, percent: null };
}

/** A run; an apply knows its tasks from the plan (every change that does something), a destroy doesn't. */
export function startRun(now: number, planned: Change[] = []): Run {
  const tasks = planned.filter((c) => c.action !== "noOp").map((c) => row(c.id, c.kind, c.action));
  return { total: tasks.length || null, tasks, state: "running", startedAt: now, endedAt: null };
}

function update(run: Run, id: string, change: (task: TaskRow) => Partial<TaskRow>): Run {
  const index = run.tasks.findIndex((t) => t.id === id);
  const tasks = [...run.tasks];
  if (index < 0) tasks.push({ ...row(id), ...change(row(id)) });
  else tasks[index] = { ...tasks[index], ...change(tasks[index]) };
  return { ...run, tasks };
}

export function reduce(run: Run, event: ProgressEvent): Run {
  switch (event.event) {
    case "started":
      return { ...run, total: event.total };
    case "running":
      return update(run, event.id, () => ({ state: "running", kind: event.kind, action: event.action }));
    case "retrying":
      return update(run, event.id, () => ({
        state: "retrying",
        attempt: event.attempt,
        code: event.code,
        message: event.message,
      }));
    case "progress":
      return update(run, event.id, () => ({ state: "running", percent: event.percent, message: event.message }));
    case "done":
      return update(run, event.id, () => ({
        state: "done",
        kind: event.kind,
        action: event.action,
        physicalId: event.physicalId,
        code: null,
        message: null,
      }));
    case "failed":
      return update(run, event.id, () => ({ state: "failed", code: event.code, message: event.message }));
    case "skipped":
      return update(run, event.id, () => ({ state: "skipped", message: event.reason }));
    case "finished":
      return { ...run, total: run.total ?? event.done + event.failed + event.skipped };
  }
}

/** What a command that returned a report says about its tasks. */
export interface Outcome {
  done: string[];
  failed: { id: string; code: string; message: string }[];
}

/**
 * The command's answer ends the run. A report names every task done or failed, which covers events
 * the throttle dropped; an error (failure or cancellation) leaves unfinished tasks skipped.
 */
export function settle(run: Run, now: number, outcome: Outcome | AppError): Run {
  if ("done" in outcome) {
    let settled = run;
    for (const id of outcome.done) {
      settled = update(settled, id, (t) => (t.state === "done" ? {} : { state: "done", code: null, message: null }));
    }
    for (const f of outcome.failed) {
      settled = update(settled, f.id, () => ({ state: "failed", code: f.code, message: f.message }));
    }
    const failed = settled.tasks.some((t) => t.state === "failed");
    return { ...settled, state: failed ? "failed" : "done", endedAt: now };
  }
  const tasks = run.tasks.map((t) =>
    t.state === "pending" || t.state === "running" || t.state === "retrying"
      ? { ...t, state: "skipped" as const }
      : t,
  );
  const state = outcome.code === "cancelled" ? "cancelled" : "failed";
  return { ...run, tasks, state, endedAt: now };
}

export interface Counts {
  total: number;
  finished: number;
  failed: number;
}

/** For the progress bar: tasks that ended (done, failed or skipped) out of the run's total. */
export function counts(run: Run): Counts {
  const ended = run.tasks.filter((t) => t.state === "done" || t.state === "failed" || t.state === "skipped");
  const total = Math.max(run.total ?? 0, run.tasks.length);
  return {
    total,
    finished: run.state === "done" ? total : ended.length,
    failed: run.tasks.filter((t) => t.state === "failed").length,
  };
}

/** Elapsed time as m:ss (or h:mm:ss past an hour). */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}
