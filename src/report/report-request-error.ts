/** A report request the ledger cannot answer, e.g. a period not on whole hours: bad usage (exit 2), the message names the flag. */
export class ReportRequestError extends Error {
  override readonly name = 'ReportRequestError';
}
