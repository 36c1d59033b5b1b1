import { describe, expect, it } from "vitest";
import { memoryStorage } from "./memoryStorage";
import { UPDATES_KEY, loadAllowed, saveAllowed } from "./updates";

describe("the permission to check for updates", () => {
  it("is off until the user turns it on, and forgotten when turned off", () => {
    const storage = memoryStorage();
    expect(loadAllowed(storage)).toBe(false);
    expect(loadAllowed(undefined)).toBe(false);
    saveAllowed(storage, true);
    expect(storage.data.get(UPDATES_KEY)).toBe("on");
    expect(loadAllowed(storage)).toBe(true);
    saveAllowed(storage, false);
    expect(storage.data.has(UPDATES_KEY)).toBe(false);
    expect(loadAllowed(storage)).toBe(false);
  });

  it("is not turned on by a stored value other than its own", () => {
    const storage = memoryStorage();
    storage.setItem(UPDATES_KEY, "true");
    expect(loadAllowed(storage)).toBe(false);
  });
});
