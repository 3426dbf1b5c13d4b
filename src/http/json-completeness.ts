// Follows a JSON text as its fragments arrive and tells when its top-level
// object or array is complete: its brackets closed, counted outside strings.
// Linear in the text (each fragment is read once), where parsing the whole
// text again at each fragment would be quadratic. A scalar top-level value is
// never reported complete.
export class JsonCompleteness {
  private depth = 0;
  private opened = false;
  private inString = false;
  private escaped = false;

  add(fragment: string): void {
    for (let at = 0; at < fragment.length; at += 1) {
      const code = fragment.charCodeAt(at);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (code === 0x5c /* \ */) this.escaped = true;
        else if (code === 0x22 /* " */) this.inString = false;
      } else if (code === 0x22) this.inString = true;
      else if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
        this.depth += 1;
        this.opened = true;
      } else if (code === 0x7d /* } */ || code === 0x5d /* ] */) this.depth -= 1;
    }
  }

  get complete(): boolean {
    return this.opened && this.depth <= 0;
  }
}
