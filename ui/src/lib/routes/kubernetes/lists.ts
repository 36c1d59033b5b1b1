// The kubernetes form's lists typed as text (instance types, CIDRs, labels, taints, namespaces),
// read into the Spec's shapes. What can't be read is told apart from what the engine judges: a
// label without "=" has no key and value to send, while a key of the wrong shape is the engine's
// to refuse, at its field, with its reason.
import type { Taint, TaintEffect } from "../../bindings";

const EFFECTS: TaintEffect[] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/** Items separated by commas, spaces or new lines; empty ones dropped. */
export function words(text: string): string[] {
  return text.split(/[\s,]+/).filter((w) => w.length > 0);
}

/** `role=web, tier=front` as labels; null when an item has no `=`, or a key is given twice. */
export function labels(text: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const item of words(text)) {
    const at = item.indexOf("=");
    if (at <= 0) return null;
    const key = item.slice(0, at);
    if (key in out) return null;
    out[key] = item.slice(at + 1);
  }
  return out;
}

/** Labels as the form shows them again. */
export function labelsText(map: Record<string, string>): string {
  return Object.entries(map)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
}

/**
 * `dedicated=gpu:NoSchedule, spot:PreferNoSchedule` as taints, as kubectl writes them; null when
 * an item has no effect or one Kubernetes doesn't have.
 */
export function taints(text: string): Taint[] | null {
  const out: Taint[] = [];
  for (const item of words(text)) {
    const colon = item.lastIndexOf(":");
    if (colon <= 0) return null;
    const effect = EFFECTS.find((e) => e === item.slice(colon + 1));
    if (effect === undefined) return null;
    const pair = item.slice(0, colon);
    const at = pair.indexOf("=");
    if (at === 0) return null;
    out.push(at < 0 ? { key: pair, effect } : { key: pair.slice(0, at), value: pair.slice(at + 1), effect });
  }
  return out;
}
