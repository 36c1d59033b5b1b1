// App-wide state shared by the screens: the wizard, what the frame shows, and the error banner.
import { type AppError, type AppInfo, type Connection, type RegionInfo, toAppError } from "./api";
import type { MessageKey } from "./i18n";
import { initialWizard, setConnection } from "./wizard";

export const wizard = $state(initialWizard());

export type View = "wizard" | "stacks" | "dashboard" | "compare";

export const ui = $state({
  view: "wizard" as View,
  /** The stack whose dashboard is open (view "dashboard"). */
  dashboard: null as string | null,
  info: null as AppInfo | null,
  /** The regions of the current connection, loaded once per connection. */
  regions: null as RegionInfo[] | null,
  error: null as AppError | null,
  settingsOpen: false,
  /** A note shown above the wizard's step (a Compare setting carried there). */
  notice: null as MessageKey | null,
});

/** Puts a command's error in the banner; a cancellation is the user's own doing and shows no error. */
export function showError(e: unknown): void {
  const error = toAppError(e);
  if (error.code !== "cancelled") ui.error = error;
}

/** Switches the connection; the regions are loaded again through it. */
export function useConnection(connection: Connection | null): void {
  setConnection(wizard, connection);
  ui.regions = null;
}
