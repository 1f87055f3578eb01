// The output of a run, written into a <pre> as TEXT only: whatever the code prints
// (markup included) is shown, never parsed as HTML.

const LIMIT = 200_000; // characters shown per run; more is counted, not shown

export class OutputView {
  constructor(pre, truncatedMessage) {
    this.pre = pre;
    this.truncatedMessage = truncatedMessage;
    this.clear();
  }

  clear() {
    this.pre.replaceChildren();
    this.shown = 0;
    this.dropped = 0;
    this.stderr = "";
    this.text = "";
    this.tail = null; // the last <span> and its stream, to extend instead of adding nodes
    this.notice = null;
  }

  append(stream, text) {
    if (!text) return;
    stream = stream === "stderr" ? "stderr" : "stdout";
    if (stream === "stderr") this.stderr += text.length < 10_000 ? text : text.slice(-10_000);
    const room = LIMIT - this.shown;
    if (room <= 0) {
      this.dropped += text.length;
      this.#showNotice();
      return;
    }
    if (text.length > room) {
      this.dropped += text.length - room;
      text = text.slice(0, room);
    }
    this.shown += text.length;
    this.text += text;
    if (this.tail && this.tail.stream === stream) {
      this.tail.node.data += text;
    } else {
      const span = document.createElement("span");
      span.className = `cell-stream cell-stream--${stream}`;
      const node = document.createTextNode(text);
      span.append(node);
      this.pre.append(span);
      this.tail = { stream, node };
    }
    if (this.dropped) this.#showNotice();
  }

  /** Text shown as the output of the build (before anything ran in the browser). */
  showText(text) {
    this.clear();
    this.pre.textContent = text;
  }

  #showNotice() {
    if (!this.notice) {
      this.notice = document.createElement("span");
      this.notice.className = "cell-stream cell-stream--notice";
      this.pre.append(this.notice);
      this.tail = null;
    }
    this.notice.textContent = this.truncatedMessage(this.dropped);
  }
}
