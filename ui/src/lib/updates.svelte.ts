// The app's own updates as reactive state: the user's permission, and what the last check or
// install found. Nothing is asked of the release feed unless the user allowed it or pressed
// "check now"; the shell installs only an update signed by the release key.
import { api, toAppError } from "./api";
import type { UpdateCheck } from "./bindings";
import { loadAllowed, saveAllowed } from "./updates";

export type UpdateState =
  | { kind: "idle" }
  | { kind: "checking" }
  | UpdateCheck
  | { kind: "installing"; version: string }
  | { kind: "installed"; version: string }
  | { kind: "failed"; message: string };

const state = $state({
  allowed: loadAllowed(globalThis.localStorage),
  status: { kind: "idle" } as UpdateState,
});

export const updates = {
  get allowed(): boolean {
    return state.allowed;
  },
  set allowed(on: boolean) {
    state.allowed = on;
    saveAllowed(globalThis.localStorage, on);
  },
  get status(): UpdateState {
    return state.status;
  },
};

export async function checkNow(): Promise<void> {
  state.status = { kind: "checking" };
  try {
    state.status = await api.checkUpdate();
  } catch (e) {
    state.status = { kind: "failed", message: toAppError(e).message };
  }
}

/** At start, only when allowed; a failure waits in Settings rather than interrupting the work. */
export async function checkIfAllowed(): Promise<void> {
  if (state.allowed) await checkNow();
}

export async function installNow(version: string): Promise<void> {
  state.status = { kind: "installing", version };
  try {
    state.status = { kind: "installed", version: await api.installUpdate(version) };
  } catch (e) {
    state.status = { kind: "failed", message: toAppError(e).message };
  }
}
