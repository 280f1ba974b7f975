/**
 * The whole result in the first batch (the server still caps a batch at 16 MiB): the default first batch is
 * 101 documents, so reading every matching document would cost a second round trip (getMore) per request.
 */
export const ONE_BATCH = 100_000
