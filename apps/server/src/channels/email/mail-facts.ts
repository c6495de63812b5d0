/** What Parley needs of one e-mail, as read by mailparser (`factsFromParsedMail`). */
export interface MailFacts {
  readonly from: { readonly address: string; readonly name: string } | null;
  /** With angle brackets, as in the header: `<id@host>`. */
  readonly messageId: string | null;
  readonly inReplyTo: string | null;
  readonly references: readonly string[];
  readonly subject: string;
  /** The text/plain body, else the HTML body as text; null when there is neither. */
  readonly text: string | null;
  readonly autoSubmitted: string | null;
  readonly attachments: readonly MailAttachment[];
}

export interface MailAttachment {
  readonly filename: string | null;
  readonly contentType: string;
  readonly size: number;
  readonly content: Buffer;
}
