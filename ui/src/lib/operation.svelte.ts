// The one long operation (apply or destroy) that can run at a time, kept outside any screen so its
// progress survives moving between screens.
import { type ApplyReport, type Change, type DestroyReport, type Spec, api, progressChannel, toAppError } from "./api";
import { type Run, reduce, settle, startRun } from "./progress";
import { showError } from "./state.svelte";
import { destroyOutcome } from "./stacks";

export type Origin = "wizard" | "stacks";

export const operation = $state({
  kind: null as "apply" | "destroy" | null,
  origin: null as Origin | null,
  stack: null as string | null,
  run: null as Run | null,
  destroyReport: null as DestroyReport | null,
});

export function isRunning(): boolean {
  return operation.run?.state === "running";
}

function begin(kind: "apply" | "destroy", origin: Origin, stack: string, planned: Change[]): void {
  operation.kind = kind;
  operation.origin = origin;
  operation.stack = stack;
  operation.destroyReport = null;
  operation.run = startRun(Date.now(), planned);
}

function onEvent(event: Parameters<typeof reduce>[1]): void {
  if (operation.run) operation.run = reduce(operation.run, event);
}

function fail(e: unknown): void {
  const error = toAppError(e);
  if (operation.run) operation.run = settle(operation.run, Date.now(), error);
  showError(error);
}

export async function runApply(origin: Origin, spec: Spec, planned: Change[] = []): Promise<ApplyReport | null> {
  begin("apply", origin, spec.name, planned);
  try {
    const report = await api.applyStack(spec, progressChannel(onEvent));
    if (operation.run) {
      operation.run = settle(operation.run, Date.now(), { done: [...report.done, ...report.removed], failed: [] });
    }
    return report;
  } catch (e) {
    fail(e);
    return null;
  }
}

export async function runDestroy(origin: Origin, name: string): Promise<DestroyReport | null> {
  begin("destroy", origin, name, []);
  try {
    const report = await api.destroyStack(name, progressChannel(onEvent));
    operation.destroyReport = report;
    if (operation.run) operation.run = settle(operation.run, Date.now(), destroyOutcome(report));
    return report;
  } catch (e) {
    fail(e);
    return null;
  }
}

/** Asks the engine to stop; the running command then ends with a "cancelled" error. */
export async function cancelOperation(): Promise<void> {
  try {
    await api.cancelOperation();
  } catch (e) {
    showError(e);
  }
}
