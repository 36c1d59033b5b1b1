// The Tauri commands as plain async functions: a successful result is returned, a failed one is
// thrown as an AppError so screens can use try/catch and key on the error's `code`.
import { Channel } from "@tauri-apps/api/core";
import { commands } from "./bindings";
import type {
  ApiError,
  Change,
  ErrorCode,
  NetworkSpec,
  ProgressEvent,
  ValidationError,
} from "./bindings";

/** What tauri-specta's generated wrappers answer for a command that can fail. */
type Result<T, E> = { status: "ok"; data: T } | { status: "error"; error: E };

export type {
  ApiError,
  AppInfo,
  AsgRule,
  ApplyReport,
  Change,
  ChatReport,
  ChatSnapshot,
  ChartFormat,
  ChartRange,
  CompareRow,
  CompareView,
  Connection,
  CostEstimate,
  DashboardView,
  DeployUser,
  DestroyReport,
  ErrorCode,
  ExportedSpec,
  Found,
  GroupView,
  LoadKind,
  PlanView,
  Profile,
  ProgressEvent,
  RegionInfo,
  Report as LoadReport,
  ResolvedNetwork,
  RouteInfo,
  RouteSpec,
  Rule,
  SpecRule,
  Snapshot as LoadSnapshot,
  Spec,
  SpecCheck,
  StackSummary,
  Tier as AsgTier,
  TrackedMetric,
  ValidationError,
} from "./bindings";

// Derived from the contract's types so these names hold whatever the generator calls the inner types.
export type NatMode = NonNullable<NetworkSpec["nat"]>;
export type Action = Change["action"];

/** "internal": a failure on this side of the IPC (no Tauri, a JavaScript exception). */
export type AppErrorCode = ErrorCode | "internal";

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly errors: ValidationError[];

  constructor(error: { code: AppErrorCode; message: string; errors?: ValidationError[] }) {
    super(error.message);
    this.name = "AppError";
    this.code = error.code;
    this.errors = error.errors ?? [];
  }
}

function isApiError(e: unknown): e is ApiError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

/** Anything a command threw, as an AppError. */
export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (isApiError(e)) return new AppError(e);
  const message = e instanceof Error ? e.message : String(e);
  return new AppError({ code: "internal", message });
}

function isResult(value: unknown): value is Result<unknown, ApiError> {
  return (
    typeof value === "object" &&
    value !== null &&
    "status" in value &&
    (("data" in value && value.status === "ok") || ("error" in value && value.status === "error"))
  );
}

/** A command that can fail answers with a Result; one that can't (tauri-specta) answers with its value. */
async function unwrap(call: Promise<unknown>): Promise<unknown> {
  let answer: unknown;
  try {
    answer = await call;
  } catch (e) {
    throw toAppError(e);
  }
  if (!isResult(answer)) return answer;
  if (answer.status === "error") throw new AppError(answer.error);
  return answer.data;
}

/**
 * A channel for a long operation's progress. The shell sends events in batches (at most one
 * message per 50 ms); `onEvent` gets each event in the order Rust emitted them.
 */
export function progressChannel(onEvent: (event: ProgressEvent) => void): Channel<ProgressEvent[]> {
  return new Channel<ProgressEvent[]>((batch) => {
    for (const event of batch) onEvent(event);
  });
}

type Commands = typeof commands;
type Unwrapped = {
  [K in keyof Commands]: Commands[K] extends (...args: infer A) => Promise<infer R>
    ? (...args: A) => Promise<[R] extends [Result<infer T, ApiError>] ? T : R>
    : never;
};

export const api = Object.fromEntries(
  Object.entries(commands).map(([name, command]) => [
    name,
    (...args: unknown[]) => unwrap((command as (...a: unknown[]) => Promise<unknown>)(...args)),
  ]),
) as Unwrapped;
