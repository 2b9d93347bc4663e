import type { Channel, Label } from '../../engine';

/** One labelled message as every loader returns it. */
export interface LabelledText {
  readonly text: string;
  /** 1 = spam, 0 = ham. */
  readonly label: Label;
  /** Where the row comes from, e.g. `sms`, `email`, `feedback`, or a file name. */
  readonly source: string;
  /** Training weight (feedback rows); 1 when absent. */
  readonly weight?: number;
  /** The message's channel when known; rows of the `sms` and `email` sources are of that channel. */
  readonly channel?: Channel;
  /** A stable id inside its source: the data row index of a CSV, the file path of an email. */
  readonly id?: string;
}

export function countSpam(rows: readonly LabelledText[]): number {
  let spam = 0;
  for (const row of rows) spam += row.label;
  return spam;
}
