/** Times as WeChat Pay writes them (success_time, create_time, time_expire): RFC3339 in Beijing time. */
export function rfc3339Shanghai(epochMs: number): string {
  return `${new Date(epochMs + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
}
