/**
 * Keeps secrets (the function key) out of everything the load test writes: each line of output goes
 * through a Redactor, so no error message, server answer or --verbose dump can print the key.
 */
export const REDACTED = '[redacted]';

export class Redactor {
  private readonly forms: string[];

  constructor(secrets: ReadonlyArray<string | undefined>) {
    const forms = new Set<string>();
    for (const secret of secrets) {
      if (!secret) continue;
      forms.add(secret);
      // As it may appear in a URL or a JSON string.
      forms.add(encodeURIComponent(secret));
      forms.add(JSON.stringify(secret).slice(1, -1));
    }
    // Longest first, so a form that contains another is replaced whole.
    this.forms = [...forms].filter((f) => f.length > 0).sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const form of this.forms) out = out.split(form).join(REDACTED);
    return out;
  }
}

export interface TextSink {
  write(text: string): unknown;
}

/** A sink that redacts before writing to `target`. */
export function redacting(target: TextSink, redactor: Redactor): TextSink {
  return { write: (text: string) => target.write(redactor.redact(text)) };
}
