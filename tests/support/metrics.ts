// Reading one series out of a Prometheus exposition text (an instance's GET /metrics), for the tests that scrape it.

/**
 * The value of `series` (its name and labels as written, e.g. `guichet_turns_total{channel="sms",outcome="answered"}`).
 * Absent, it fails the test with the text, unless the caller says what absence means (`ifAbsent`).
 */
export function metricValue(text: string, series: string, ifAbsent?: number): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (line) return Number(line.slice(series.length + 1));
  if (ifAbsent !== undefined) return ifAbsent;
  throw new Error(`no series ${series} in:\n${text.slice(0, 3000)}`);
}
