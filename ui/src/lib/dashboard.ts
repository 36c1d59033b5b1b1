// The dashboard's rules as plain functions: its ranges, what a manual scale or a load run may ask
// for, and the load readout. The screen holds the state; the tests call these directly.
import type { ChartRange, ChatReport, ChatSnapshot, GroupView, LoadReport, LoadSnapshot } from "./api";
import type { MessageKey } from "./i18n";

export const RANGES: readonly ChartRange[] = ["hour", "sixHours", "day", "week"];

/** The charts' period is one minute: refreshing more often would fetch the same points. */
export const REFRESH_MS = 60_000;
/** A sandbox at a time factor publishes a minute's points sooner; no faster than this, though. */
export const MIN_REFRESH_MS = 2_000;

/**
 * The wall seconds a chart point stands for: a minute of the connection's clock, whole seconds,
 * rounded up (as the engine buckets CloudWatch's points; crates/escala-aws/src/metrics.rs).
 */
export function pointSeconds(speed: number | null | undefined): number {
  const factor = speed && speed > 0 ? speed : 1;
  return Math.max(1, Math.ceil(60 / factor));
}

/** How often the charts refresh: every point (a minute of a sandbox's clock), and no faster than MIN_REFRESH_MS. */
export function refreshEvery(speed: number | null | undefined): number {
  return Math.max(MIN_REFRESH_MS, Math.min(REFRESH_MS, pointSeconds(speed) * 1000));
}

/** The load generator's limits (crates/escala-load/src/plan.rs), checked here to say so before asking. */
export const MAX_RPS = 20_000;
export const MAX_SECONDS = 3600;
/** The chat load's limits (crates/escala-load/src/chat.rs). */
export const MAX_CLIENTS = 5_000;
export const MAX_MESSAGE_RATE = 20_000;
/** What one chat client may send a second: the chat server's own limit per connection. */
export const PER_CLIENT_RATE = 20;

export type Problem = { key: MessageKey; params?: Record<string, number> };

function isWhole(n: number | null): n is number {
  return n !== null && Number.isInteger(n);
}

/** Why `desired` can't be set on the group, or null when it can. The engine checks the same range. */
export function scaleProblem(group: GroupView, desired: number | null): Problem | null {
  if (!isWhole(desired) || desired < group.min || desired > group.max) {
    return { key: "dashboard.scaleRange", params: { min: group.min, max: group.max } };
  }
  return null;
}

/** Why a load run can't start as asked, or null. */
export function loadProblem(rps: number | null, seconds: number | null): Problem | null {
  if (!isWhole(rps) || rps < 1 || rps > MAX_RPS) return { key: "dashboard.rpsRange", params: { max: MAX_RPS } };
  if (!isWhole(seconds) || seconds < 1 || seconds > MAX_SECONDS) {
    return { key: "dashboard.secondsRange", params: { max: MAX_SECONDS } };
  }
  return null;
}

/** Why a chat load run can't start as asked, or null. */
export function chatLoadProblem(clients: number | null, rate: number | null, seconds: number | null): Problem | null {
  if (!isWhole(clients) || clients < 1 || clients > MAX_CLIENTS) {
    return { key: "dashboard.clientsRange", params: { max: MAX_CLIENTS } };
  }
  if (!isWhole(rate) || rate < 1 || rate > MAX_MESSAGE_RATE) {
    return { key: "dashboard.messagesRange", params: { max: MAX_MESSAGE_RATE } };
  }
  if (rate > clients * PER_CLIENT_RATE) {
    return { key: "dashboard.perClient", params: { per: PER_CLIENT_RATE, clients: Math.ceil(rate / PER_CLIENT_RATE) } };
  }
  return loadProblem(1, seconds);
}

/** What the load panel shows: live while running, the whole run's figures once it ends. */
export interface LoadReadout {
  elapsedS: number;
  rps: number;
  p50Ms: number | null;
  p99Ms: number | null;
  sent: number;
  errors: number;
  /** How many instances (or tasks) answered; for HTTP load, only known at the end. */
  instances: number | null;
}

export function fromSnapshot(s: LoadSnapshot): LoadReadout {
  return {
    elapsedS: Math.round(s.elapsedMs / 1000),
    rps: Math.round(s.rps),
    p50Ms: s.p50Ms,
    p99Ms: s.p99Ms,
    sent: s.sent,
    errors: s.errors + s.dropped,
    instances: null,
  };
}

export function fromReport(r: LoadReport): LoadReadout {
  const failed = r.errors.connect + r.errors.timeout + r.errors.other + r.dropped;
  return {
    elapsedS: Math.round(r.elapsedMs / 1000),
    rps: Math.round(r.achievedRps),
    p50Ms: r.latency?.p50Ms ?? null,
    p99Ms: r.latency?.p99Ms ?? null,
    sent: r.sent,
    errors: failed,
    instances: r.distinctBodyCount,
  };
}

/** A chat run so far: its rate is of deliveries, its failures the messages refused. */
export function fromChatSnapshot(s: ChatSnapshot): LoadReadout {
  return {
    elapsedS: Math.round(s.elapsedMs / 1000),
    rps: Math.round(s.deliveredPerSec),
    p50Ms: null,
    p99Ms: null,
    sent: s.sent,
    errors: s.rejected,
    instances: s.instances,
  };
}

/** A whole chat run: deliveries that never arrived count as failed too. */
export function fromChatReport(r: ChatReport): LoadReadout {
  return {
    ...fromChatSnapshot(r.last),
    p50Ms: r.latency ? Math.round(r.latency.p50Ms) : null,
    p99Ms: r.latency ? Math.round(r.latency.p99Ms) : null,
    errors: r.last.rejected + (r.lost ?? 0),
  };
}
