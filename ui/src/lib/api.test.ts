import { afterEach, describe, expect, it } from "vitest";
import { AppError, type ProgressEvent, progressChannel, toAppError } from "./api";

describe("errors", () => {
  it("keeps a command's code and message, and calls anything else internal", () => {
    const fromRust = toAppError({ code: "aws", message: "UnauthorizedOperation", errors: [] });
    expect(fromRust).toBeInstanceOf(AppError);
    expect([fromRust.code, fromRust.message]).toEqual(["aws", "UnauthorizedOperation"]);
    const thrown = toAppError(new TypeError("window.__TAURI_INTERNALS__ is undefined"));
    expect([thrown.code, thrown.message]).toEqual(["internal", "window.__TAURI_INTERNALS__ is undefined"]);
  });
});

describe("progress channel", () => {
  const g = globalThis as { window?: unknown };
  afterEach(() => delete g.window);

  it("hands over events one by one whether Rust sends them singly or in batches", () => {
    let deliver: (raw: { index: number; message: unknown }) => void = () => {};
    g.window = {
      __TAURI_INTERNALS__: {
        transformCallback: (callback: typeof deliver) => {
          deliver = callback;
          return 1;
        },
      },
    };
    const seen: ProgressEvent[] = [];
    progressChannel((e) => seen.push(e));
    deliver({ index: 0, message: [{ event: "started", total: 2 }] });
    deliver({
      index: 1,
      message: [
        { event: "running", id: "vpc", kind: "Vpc", action: "create" },
        { event: "done", id: "vpc", kind: "Vpc", action: "create", physicalId: "vpc-1" },
      ],
    });
    expect(seen.map((e) => e.event)).toEqual(["started", "running", "done"]);
  });
});
