/**
 * Errors a user can cause (bad config, bad tactic text, bad import, a sharding that does not divide).
 * They carry a stable `code`, a message a person understands, and where it happened when known.
 * Core code throws `UserError`; the pipeline, CLI and worker turn it into a value / exit code 1.
 */

export interface SourceRange {
  /** 1-based line and column of the first character; end is exclusive. */
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface Diagnostic {
  readonly code: string;
  readonly message: string;
  /** Where in the user's input: a config field path (`mesh.axes[1].size`) or a file/section name. */
  readonly where?: string;
  readonly range?: SourceRange;
  /** 'error' when absent. A warning does not stop the pipeline (e.g. a missing `schedule`). */
  readonly severity?: 'error' | 'warning';
}

export class UserError extends Error {
  readonly code: string;
  readonly where?: string;
  readonly range?: SourceRange;
  constructor(code: string, message: string, opts: { where?: string; range?: SourceRange } = {}) {
    super(message);
    this.name = 'UserError';
    this.code = code;
    this.where = opts.where;
    this.range = opts.range;
  }
  toDiagnostic(): Diagnostic {
    return { code: this.code, message: this.message, where: this.where, range: this.range };
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
