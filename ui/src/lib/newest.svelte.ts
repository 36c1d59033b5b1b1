// Checks sent as the user types can answer out of order: only an answer newer than the one shown
// may replace it, and `busy` holds until the newest one sent is back.
import { showError } from "./state.svelte";

export class Newest {
  busy = $state(false);
  #sent = 0;
  #shown = 0;

  /** Runs `work` and hands its answer to `show` unless a newer answer is already shown; a failure goes to the banner. */
  async run<T>(work: () => Promise<T>, show: (answer: T) => unknown): Promise<void> {
    const mine = ++this.#sent;
    this.busy = true;
    try {
      const answer = await work();
      if (mine < this.#shown) return;
      this.#shown = mine;
      await show(answer);
    } catch (e) {
      showError(e);
    } finally {
      if (mine === this.#sent) this.busy = false;
    }
  }
}
