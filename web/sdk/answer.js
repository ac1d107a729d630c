// One question's streamed answer: an async iterable of its deltas, and `result`, the whole answer once it ends.

export class Answer {
  #queue = [];
  #wakers = [];
  #ended = false;
  #error = null;
  #errorThrown = false;
  #abandoned = false;
  #onAbandon;
  #resolve;
  #reject;

  constructor(question, onAbandon) {
    /** The question asked. */
    this.question = question;
    /** The server's id of the answer, once its first message came. */
    this.answerId = null;
    /** The answer's text so far. */
    this.text = '';
    /** A reasoning model's thoughts so far (never part of `text`). */
    this.thinking = '';
    this.result = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // A caller who only iterates gets the error from the iterator: the promise alone must not count as unhandled.
    this.result.catch(() => {});
    this.#onAbandon = onAbandon;
  }

  /** Whether the answer has ended, by done, stop or error. */
  get settled() {
    return this.#ended || this.#error !== null;
  }

  /** An `ai` message of this answer. */
  deliver(m) {
    if (this.settled) return;
    this.answerId ??= m.answerId;
    const thinking = m.thinking === true;
    if (typeof m.delta === 'string' && m.delta !== '') {
      if (thinking) this.thinking += m.delta;
      else this.text += m.delta;
      if (!this.#abandoned) this.#queue.push({ delta: m.delta, thinking, answerId: m.answerId });
    }
    if (m.done === true) {
      this.#ended = true;
      this.#resolve({
        answerId: m.answerId,
        text: this.text,
        thinking: this.thinking,
        stopped: m.stopped === true,
        truncated: m.truncated === true,
        stats: m.stats,
        node: m.node,
        trigger: m.trigger,
      });
    }
    this.#wake();
  }

  /** Ends the answer with `error` (an AssistantError, a ServerError, a DisconnectedError or a ClosedError). */
  fail(error) {
    if (this.settled) return;
    this.#error = error;
    this.#reject(error);
    this.#wake();
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  async next() {
    for (;;) {
      if (this.#queue.length) return { value: this.#queue.shift(), done: false };
      if (this.#error && !this.#errorThrown && !this.#abandoned) {
        this.#errorThrown = true;
        throw this.#error;
      }
      if (this.settled || this.#abandoned) return { value: undefined, done: true };
      await new Promise((resolve) => this.#wakers.push(resolve));
    }
  }

  /** Leaving a `for await` early: the answer is not wanted any more, so it is stopped if it still runs. */
  async return() {
    this.#abandoned = true;
    this.#queue = [];
    if (!this.settled) this.#onAbandon(this);
    this.#wake();
    return { value: undefined, done: true };
  }

  #wake() {
    const wakers = this.#wakers;
    this.#wakers = [];
    wakers.forEach((wake) => wake());
  }
}
