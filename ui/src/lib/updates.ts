// Whether the user allows Escala to look for updates of itself. Off unless turned on: the app holds
// cloud keys, and a check tells a server that this machine runs Escala and which version.
export const UPDATES_KEY = "escala.updates";

export function loadAllowed(storage: Pick<Storage, "getItem"> | undefined): boolean {
  return storage?.getItem(UPDATES_KEY) === "on";
}

export function saveAllowed(storage: Pick<Storage, "setItem" | "removeItem">, on: boolean): void {
  if (on) storage.setItem(UPDATES_KEY, "on");
  else storage.removeItem(UPDATES_KEY);
}
