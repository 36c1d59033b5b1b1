import { describe, expect, it } from "vitest";
import type { ChatReport, GroupView, LoadReport } from "./api";
import {
  MAX_CLIENTS,
  MAX_MESSAGE_RATE,
  MAX_RPS,
  MAX_SECONDS,
  MIN_REFRESH_MS,
  REFRESH_MS,
  chatLoadProblem,
  fromChatReport,
  fromChatSnapshot,
  fromReport,
  fromSnapshot,
  loadProblem,
  pointSeconds,
  refreshEvery,
  scaleProblem,
} from "./dashboard";

const group: GroupView = { min: 1, desired: 2, max: 4, inService: 2, url: null };

describe("manual scale", () => {
  it("takes a whole number within the group's range", () => {
    expect(scaleProblem(group, 1)).toBeNull();
    expect(scaleProblem(group, 4)).toBeNull();
  });

  it("names the range for anything else", () => {
    for (const bad of [0, 5, 2.5, null]) {
      expect(scaleProblem(group, bad)).toEqual({ key: "dashboard.scaleRange", params: { min: 1, max: 4 } });
    }
  });
});

describe("load runs", () => {
  it("accept the generator's limits", () => {
    expect(loadProblem(1, 1)).toBeNull();
    expect(loadProblem(MAX_RPS, MAX_SECONDS)).toBeNull();
  });

  it("refuse a rate or a duration outside them, rate first", () => {
    expect(loadProblem(0, 0)?.key).toBe("dashboard.rpsRange");
    expect(loadProblem(MAX_RPS + 1, 10)?.key).toBe("dashboard.rpsRange");
    expect(loadProblem(null, 10)?.key).toBe("dashboard.rpsRange");
    expect(loadProblem(10, MAX_SECONDS + 1)).toEqual({ key: "dashboard.secondsRange", params: { max: MAX_SECONDS } });
    expect(loadProblem(10, 1.5)?.key).toBe("dashboard.secondsRange");
  });

  it("show the live rate and count failures with drops", () => {
    const live = fromSnapshot({
      elapsedMs: 4_600,
      sent: 200,
      completed: 190,
      errors: 3,
      dropped: 2,
      rps: 49.6,
      p50Ms: 12,
      p99Ms: 80,
    });
    expect(live).toEqual({ elapsedS: 5, rps: 50, p50Ms: 12, p99Ms: 80, sent: 200, errors: 5, instances: null });
  });

  it("end with the whole run's figures and how many instances answered", () => {
    const report: LoadReport = {
      url: "http://lb.example/",
      rps: 50,
      elapsedMs: 60_000,
      cancelled: false,
      scheduled: 3000,
      sent: 2990,
      dropped: 10,
      completed: 2980,
      achievedRps: 49.67,
      latency: { p50Ms: 10, p90Ms: 20, p99Ms: 40, maxMs: 90 },
      status: { "2xx": 2980, "3xx": 0, "4xx": 0, "5xx": 0 },
      errors: { connect: 4, timeout: 5, other: 1 },
      distinctBodyCount: 3,
      distinctBodies: [],
    };
    expect(fromReport(report)).toEqual({
      elapsedS: 60,
      rps: 50,
      p50Ms: 10,
      p99Ms: 40,
      sent: 2990,
      errors: 20,
      instances: 3,
    });
  });
});

describe("chat load runs", () => {
  it("accept the chat generator's limits", () => {
        expect(chatLoadProblem(MAX_CLIENTS, MAX_MESSAGE_RATE, MAX_SECONDS)).toBeNull();
    expect(chatLoadProblem(1, 20, 1)).toBeNull();
  });

  it("refuse clients, then a message rate, then a duration outside them", () => {
    expect(chatLoadProblem(0, 0, 0)).toEqual({ key: "dashboard.clientsRange", params: { max: MAX_CLIENTS } });
    expect(chatLoadProblem(MAX_CLIENTS + 1, 10, 10)?.key).toBe("dashboard.clientsRange");
    expect(chatLoadProblem(50, 0, 0)).toEqual({ key: "dashboard.messagesRange", params: { max: MAX_MESSAGE_RATE } });
    expect(chatLoadProblem(50, 2.5, 10)?.key).toBe("dashboard.messagesRange");
    expect(chatLoadProblem(50, 100, MAX_SECONDS + 1)?.key).toBe("dashboard.secondsRange");
  });

  it("keep each client within the chat's own rate limit", () => {
    expect(chatLoadProblem(150, 3000, 60)).toBeNull();
    expect(chatLoadProblem(40, 3000, 60)).toEqual({ key: "dashboard.perClient", params: { per: 20, clients: 150 } });
  });

  const last = {
    elapsedMs: 29_600,
    sent: 3000,
    acked: 2990,
    rejected: 4,
    delivered: 26_910,
    deliveredPerSec: 897.4,
    instances: 3,
  };

  it("show the live delivery rate and the tasks that took messages", () => {
    expect(fromChatSnapshot(last)).toEqual({
      elapsedS: 30,
      rps: 897,
      p50Ms: null,
      p99Ms: null,
      sent: 3000,
      errors: 4,
      instances: 3,
    });
  });

  it("end with the latency, counting lost deliveries as failed", () => {
    const report: ChatReport = {
      url: "http://127.0.0.1:40000",
      clients: 50,
      rate: 100,
      cancelled: false,
      last,
      lost: 6,
      latency: { p50Ms: 3.4, p99Ms: 18.6, maxMs: 40 },
    };
    expect(fromChatReport(report)).toMatchObject({ p50Ms: 3, p99Ms: 19, errors: 10, instances: 3 });
  });

  it("say nothing of latency or loss when stopped early", () => {
    const report: ChatReport = {
      url: "http://127.0.0.1:40000",
      clients: 50,
      rate: 100,
      cancelled: true,
      last,
      lost: null,
      latency: null,
    };
    expect(fromChatReport(report)).toMatchObject({ p50Ms: null, p99Ms: null, errors: 4 });
  });
});

describe("chart refresh", () => {
  it("is every minute at AWS's pace", () => {
    expect(refreshEvery(1)).toBe(REFRESH_MS);
    expect(refreshEvery(undefined)).toBe(REFRESH_MS);
    expect(refreshEvery(null)).toBe(REFRESH_MS);
  });

  it("is every minute of the sandbox's clock at a time factor, and never too often", () => {
    expect(refreshEvery(10)).toBe(6_000);
    expect(refreshEvery(30)).toBe(MIN_REFRESH_MS);
    expect(refreshEvery(100)).toBe(MIN_REFRESH_MS);
    expect(refreshEvery(7)).toBe(9_000);
  });

  it("has a point a minute of the connection's clock, in whole wall seconds", () => {
    expect(pointSeconds(1)).toBe(60);
    expect(pointSeconds(30)).toBe(2);
    expect(pointSeconds(7)).toBe(9);
    expect(pointSeconds(100)).toBe(1);
    expect(pointSeconds(0)).toBe(60);
  });
});
