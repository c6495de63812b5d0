// One error type for every way a source can fail to become text. The message is written for
// the person who uploaded the file (it is shown to them as is); `code` lets the caller decide
// whether a retry can help (it never does for these: the file itself has to change).

export type ExtractionErrorCode =
  'unsupported' | 'too_large' | 'empty' | 'corrupt' | 'encrypted' | 'no_text' | 'too_complex';

export class ExtractionError extends Error {
  override readonly name = 'ExtractionError';
  readonly code: ExtractionErrorCode;

  constructor(code: ExtractionErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
