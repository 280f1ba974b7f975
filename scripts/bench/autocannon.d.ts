// The part of autocannon's API the bench uses (the package ships no types).
declare module 'autocannon' {
  type Stats = { average: number; total: number; p50: number; p99: number }
  export type Result = { requests: Stats; latency: Stats; errors: number; timeouts: number; non2xx: number }
  export default function autocannon(options: { url: string; connections: number; duration: number; headers?: Record<string, string>; timeout?: number; method?: string; requests?: Array<{ method?: string; body?: string }> }): Promise<Result>
}
